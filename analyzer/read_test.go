package analyzer

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// problemOn is the one problem of the input on file, failing unless there
// is exactly one.
func problemOn(t *testing.T, in *Input, file string) Problem {
	t.Helper()
	var found []Problem
	for _, p := range in.Problems {
		if p.Position.File == file {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("problems on %s: %+v; all problems: %+v", file, found, in.Problems)
	}
	return found[0]
}

// hasObject reports whether the input holds an object of that name.
func hasObject(in *Input, name string) bool {
	for _, o := range in.Objects {
		if o.Name == name {
			return true
		}
	}
	return false
}

func TestReadFileLimit(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"small.yaml": podWithToken("small", "          path: t\n"),
		"big.yaml":   podWithToken("big", "          path: "+strings.Repeat("t", 300)+"\n"),
	})
	l := &Loader{Limits: Limits{MaxFileBytes: 300}}
	in := l.Load([]string{filepath.Join(dir, "big.yaml"), filepath.Join(dir, "small.yaml")})
	p := problemOn(t, in, filepath.Join(dir, "big.yaml"))
	if !strings.Contains(p.Message, "larger than the limit of 300 bytes") || !strings.Contains(p.Message, "limits.maxFileSize") {
		t.Errorf("problem %q does not name the limit and its key", p.Message)
	}
	if !hasObject(in, "small") || hasObject(in, "big") || in.Files != 1 {
		t.Errorf("files read %d, objects %d: want only the small file", in.Files, len(in.Objects))
	}

	// At the limit exactly, the file is read.
	data, err := os.ReadFile(filepath.Join(dir, "small.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ReadFile(filepath.Join(dir, "small.yaml"), int64(len(data))); err != nil || string(got) != string(data) {
		t.Errorf("ReadFile at the limit: %v", err)
	}
	var fe *FileError
	if _, err := ReadFile(filepath.Join(dir, "small.yaml"), int64(len(data))-1); !errors.As(err, &fe) || fe.Limit != int64(len(data))-1 {
		t.Errorf("ReadFile one byte over the limit: %v", err)
	}
}

// endless is a reader that never ends, counting what it gave.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '#'
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestReadStdinLimit(t *testing.T) {
	src := &endless{}
	l := &Loader{Stdin: src, Limits: Limits{MaxFileBytes: 4096}}
	in := l.Load([]string{"-"})
	p := problemOn(t, in, StdinName)
	if !strings.Contains(p.Message, "larger than the limit of 4Ki") {
		t.Errorf("problem %q does not name the limit", p.Message)
	}
	// The reader stops just past the limit (reads come in blocks of at
	// most the room left, plus one byte to see the end).
	if src.n > 4096+1 {
		t.Errorf("read %d bytes of standard input for a limit of 4096", src.n)
	}
	// Under the limit, standard input is read whole.
	l = &Loader{Stdin: strings.NewReader(podWithToken("piped", "          path: t\n")), Limits: Limits{MaxFileBytes: 4096}}
	if in := l.Load([]string{"-"}); len(in.Problems) != 0 || !hasObject(in, "piped") {
		t.Errorf("standard input under the limit: problems %+v", in.Problems)
	}
}

func TestReadNotRegular(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"ok.yaml":               podWithToken("ok", "          path: t\n"),
		"manifests/ok.yaml":     podWithToken("walked", "          path: t\n"),
		"manifests/dir.yaml/x":  "not read\n",
		"manifests/README.md":   "a file not linted\n",
		"manifests/values.yaml": "replicas: 1\n",
	})
	// A directory named like a manifest is walked, as any directory.
	in := (&Loader{}).Load([]string{filepath.Join(dir, "manifests")})
	if len(in.Problems) != 0 || !hasObject(in, "walked") {
		t.Fatalf("problems %+v", in.Problems)
	}
	// Where a file is expected, a directory is an error naming it.
	_, err := ReadFile(filepath.Join(dir, "manifests"), 0)
	var fe *FileError
	if !errors.As(err, &fe) || fe.What != "a directory" || !strings.Contains(err.Error(), filepath.Join(dir, "manifests")+": not a regular file but a directory") {
		t.Errorf("ReadFile of a directory: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.yaml"), 0); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadFile of a missing file: %v", err)
	}
}

// A device is never read: named, found while walking behind a symbolic
// link, given as standard input or as a values file.
func TestReadDevice(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	dir := writeFiles(t, map[string]string{"manifests/ok.yaml": podWithToken("ok", "          path: t\n")})
	zero := filepath.Join(dir, "manifests", "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Skipf("cannot make a symbolic link: %v", err)
	}
	in := (&Loader{}).Load([]string{filepath.Join(dir, "manifests"), "/dev/zero"})
	p := problemOn(t, in, zero)
	if !strings.Contains(p.Message, `not a regular file but a symbolic link to "/dev/zero", a character device`) {
		t.Errorf("walked link to /dev/zero: %q", p.Message)
	}
	if p := problemOn(t, in, "/dev/zero"); !strings.Contains(p.Message, "not a regular file but a character device") {
		t.Errorf("/dev/zero named: %q", p.Message)
	}
	if !hasObject(in, "ok") || len(in.Problems) != 2 {
		t.Errorf("the other file was not loaded, or more problems: %+v", in.Problems)
	}

	// Standard input that is /dev/zero is read up to the limit only.
	f, err := os.Open("/dev/zero")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in = (&Loader{Stdin: f, Limits: Limits{MaxFileBytes: 1 << 20}}).Load([]string{"-"})
	if p := problemOn(t, in, StdinName); !strings.Contains(p.Message, "larger than the limit of 1Mi") {
		t.Errorf("standard input from /dev/zero: %q", p.Message)
	}
}

func TestReadLimitedCountsBytes(t *testing.T) {
	for _, size := range []int{0, 1, 511, 512, 513, 4096} {
		data := strings.Repeat("x", size)
		got, err := readLimited(strings.NewReader(data), "f", 512, int64(size))
		if size <= 512 && (err != nil || string(got) != data) {
			t.Errorf("%d bytes under a limit of 512: %d bytes, %v", size, len(got), err)
		}
		if size > 512 && err == nil {
			t.Errorf("%d bytes under a limit of 512: no error", size)
		}
	}
	// An error while reading names the file.
	_, err := readLimited(io.MultiReader(strings.NewReader("abc"), errReader{}), "broken.yaml", 512, 0)
	if err == nil || !strings.Contains(err.Error(), "broken.yaml") {
		t.Errorf("read error: %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("input/output error") }
