//go:build linux && !race

package analyzer

import "syscall"

// hardMemoryLimit says whether setMemoryLimit sets one.
const hardMemoryLimit = true

// setMemoryLimit bounds the data the process may map (RLIMIT_DATA), so that
// an allocation beyond it fails at once (and the Go runtime ends the
// process, "out of memory") instead of taking the machine's memory. Unlike
// RLIMIT_AS, it leaves alone the address space the Go runtime reserves
// without using. (The race detector's shadow memory does not fit under it:
// race builds rely on the watchdog alone.)
func setMemoryLimit(bytes int64) {
	lim := &syscall.Rlimit{Cur: uint64(bytes), Max: uint64(bytes)}
	_ = syscall.Setrlimit(syscall.RLIMIT_DATA, lim)
}
