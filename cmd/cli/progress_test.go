package cli

import (
	"bytes"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer the progress goroutine and the run can
// both write.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// On a terminal, a run shows its progress on standard error, rewritten in
// place, and erases it before the report: here at once and at every
// millisecond, so that even a short run shows it. In CI, on a dumb
// terminal, or when standard error is not a terminal, it shows nothing.
func TestProgressLine(t *testing.T) {
	delay, every := progressDelay, progressEvery
	t.Cleanup(func() { progressDelay, progressEvery = delay, every })
	progressDelay, progressEvery = 0, time.Millisecond

	examples := filepath.Join("..", "..", "testdata", "examples")
	lint := func(env map[string]string, terminal bool) (stdout, stderr string) {
		var out, errs lockedBuffer
		s := Streams{Out: &out, Err: &errs, Getenv: func(k string) string { return env[k] }}
		if terminal {
			s.IsTerminal = func(w io.Writer) bool { return w == &errs }
		}
		if code := Run([]string{"lint", "--no-config", examples}, s); code != ExitFindings {
			t.Fatalf("exit %d, want %d: %s", code, ExitFindings, errs.String())
		}
		return out.String(), errs.String()
	}

	stdout, stderr := lint(nil, true)
	line := regexp.MustCompile(`^\r\x1b\[Ktokenlint: \d+ files read, \d+ documents parsed, \d+ objects checked$`)
	lines := strings.SplitAfter(stderr, "\r\x1b[K")
	if len(lines) < 3 || !strings.HasSuffix(stderr, "\r\x1b[K") {
		t.Fatalf("standard error %q: want progress lines, the last erased", stderr)
	}
	for _, l := range strings.Split(strings.TrimSuffix(stderr, "\r\x1b[K"), "\r\x1b[K")[1:] {
		if !line.MatchString("\r\x1b[K" + l) {
			t.Errorf("progress line %q", l)
		}
	}
	if strings.Contains(stdout, "\r") || !strings.Contains(stdout, "TL") {
		t.Errorf("the report %q: want findings and no progress", stdout)
	}

	for name, c := range map[string]struct {
		env      map[string]string
		terminal bool
	}{
		"CI":            {map[string]string{"CI": "true"}, true},
		"dumb terminal": {map[string]string{"TERM": "dumb"}, true},
		"redirected":    {nil, false},
	} {
		if _, stderr := lint(c.env, c.terminal); stderr != "" {
			t.Errorf("%s: standard error %q, want nothing", name, stderr)
		}
	}
}
