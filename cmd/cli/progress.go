package cli

import (
	"fmt"
	"time"

	"github.com/tokenlint/tokenlint/analyzer"
)

// The progress line: shown once a run has lasted progressDelay, so a short
// run never shows one, and rewritten every progressEvery.
var (
	progressDelay = time.Second
	progressEvery = 200 * time.Millisecond
)

// showProgress reports whether a run shows a progress line: only when
// standard error is a terminal, and never in CI (CI is set by GitHub
// Actions, GitLab CI, Jenkins' plugins and the others) or on a dumb
// terminal, which cannot rewrite a line.
func showProgress(s Streams) bool {
	getenv := s.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if getenv("CI") != "" || getenv("TERM") == "dumb" {
		return false
	}
	return s.terminal(s.Err)
}

// startProgress shows, on standard error, the files read, documents parsed
// and objects checked so far, on one line rewritten in place, while the run
// lasts longer than delay. stop ends it and erases the line, before the
// report or anything else is written.
func startProgress(s Streams, p *analyzer.Progress, delay, every time.Duration) (stop func()) {
	if !showProgress(s) {
		return func() {}
	}
	line := func() {
		files, documents, checked := p.Counts()
		fmt.Fprintf(s.Err, "\r\x1b[Ktokenlint: %d files read, %d documents parsed, %d objects checked", files, documents, checked)
	}
	shown := delay <= 0
	if shown {
		line() // at once
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		if !shown {
			wait := time.NewTimer(delay)
			defer wait.Stop()
			select {
			case <-done:
				return
			case <-wait.C:
			}
			line()
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(s.Err, "\r\x1b[K")
				return
			case <-tick.C:
				line()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
