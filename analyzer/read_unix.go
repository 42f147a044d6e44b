//go:build unix

package analyzer

import (
	"os"
	"syscall"
)

// openFile opens a file for reading without blocking, as opening a named
// pipe that has no writer would (the caller refuses the pipe once open).
// O_NONBLOCK changes nothing for the regular files that are then read.
func openFile(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
