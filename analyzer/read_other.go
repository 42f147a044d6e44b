//go:build !unix

package analyzer

import "os"

// openFile opens a file for reading. Outside Unix, named pipes do not live
// among files, and ReadFile refuses anything but a regular file before
// opening it.
func openFile(name string) (*os.File, error) { return os.Open(name) }
