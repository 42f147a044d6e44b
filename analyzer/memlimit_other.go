//go:build !linux || race

package analyzer

// hardMemoryLimit says whether setMemoryLimit sets one.
const hardMemoryLimit = false

// setMemoryLimit does nothing where the system has no limit that bounds the
// data a process maps without counting reserved address space: the memory
// watchdog alone bounds the renderer there, and in race builds.
func setMemoryLimit(int64) {}
