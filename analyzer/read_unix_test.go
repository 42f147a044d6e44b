//go:build unix

package analyzer

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A named pipe is refused without being opened: opening one blocks until
// a writer comes, and none ever does here. Named or found while walking,
// it is a problem of its own, and the run goes on. (A hang fails the test
// by its timeout.)
func TestReadNamedPipe(t *testing.T) {
	dir := writeFiles(t, map[string]string{"manifests/ok.yaml": podWithToken("ok", "          path: t\n")})
	pipe := filepath.Join(dir, "manifests", "pipe.yaml")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("cannot make a named pipe: %v", err)
	}
	for _, paths := range [][]string{{filepath.Join(dir, "manifests")}, {pipe, filepath.Join(dir, "manifests", "ok.yaml")}} {
		in := (&Loader{}).Load(paths)
		p := problemOn(t, in, pipe)
		if !strings.Contains(p.Message, "not a regular file but a named pipe (FIFO)") || !strings.Contains(p.Message, "standard input") {
			t.Errorf("%v: %q", paths, p.Message)
		}
		if !hasObject(in, "ok") || len(in.Problems) != 1 {
			t.Errorf("%v: the other file was not loaded, or more problems: %+v", paths, in.Problems)
		}
	}

	// A link to the pipe, and the pipe as a values file, the same.
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(pipe, link); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(link, 0); err == nil || !strings.Contains(err.Error(), `a symbolic link to "`+pipe+`", a named pipe`) {
		t.Errorf("link to a pipe: %v", err)
	}
	in := (&Loader{Helm: HelmOptions{ValueFiles: []string{pipe}}}).Load([]string{agentChart})
	if p := problemOn(t, in, agentChart); !strings.Contains(p.Message, "cannot read Helm values") || !strings.Contains(p.Message, "named pipe") || !strings.Contains(p.Message, pipe) {
		t.Errorf("a pipe as a values file: %q", p.Message)
	}

	// A pipe opened between the look and the open is not waited on:
	// openFile returns at once, and the open file is checked again.
	f, err := openFile(pipe)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestReadSocket(t *testing.T) {
	dir, err := os.MkdirTemp("", "sock") // short: socket paths are limited to about 100 bytes
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "s.yaml")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("cannot make a socket: %v", err)
	}
	defer ln.Close()
	in := (&Loader{}).Load([]string{dir})
	if p := problemOn(t, in, sock); !strings.Contains(p.Message, "not a regular file but a socket") {
		t.Errorf("socket: %q", p.Message)
	}
}
