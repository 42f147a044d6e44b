package analyzer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// ReadFile reads a regular file, following symbolic links to one, through a
// size limit: every file tokenlint reads (manifests, Helm values, policies,
// the configuration) is read here, so that a hostile pull request cannot
// make it read without end. Anything else (a named pipe, a device such as
// /dev/zero, a socket, a directory, or a link to one) is refused before it
// is opened: opening a named pipe blocks until a writer comes, and reading
// a device may never end. A file larger than limit bytes is refused without
// reading more than limit+1 bytes of it; limit <= 0 means
// DefaultLimits.MaxFileBytes.
//
// Errors name the file; those of a file that is not regular or too large
// are *FileError.
func ReadFile(name string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultLimits.MaxFileBytes
	}
	info, err := statRegular(name)
	if err != nil {
		return nil, err
	}
	if info.Size() > limit {
		return nil, tooLarge(name, limit)
	}
	// The file may have been swapped for a pipe since it was looked at:
	// openFile does not block on one, and the open file is checked again.
	f, err := openFile(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err = f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, notRegular(name, info.Mode())
	}
	return readLimited(f, name, limit, info.Size())
}

// statRegular is the information of a regular file (following symbolic
// links), or the error of anything else.
func statRegular(name string) (fs.FileInfo, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, notRegular(name, info.Mode())
	}
	return info, nil
}

// readLimited reads r to its end, refusing more than limit bytes; size is
// what r is expected to hold (0 when unknown, as for a pipe). With a size,
// the data is read into one allocation; without, into chunks that double
// and are joined once at the end, so that reading n bytes never holds much
// more than 2n (growing one slice by append would leave four times that
// behind it for the collector).
func readLimited(r io.Reader, name string, limit, size int64) ([]byte, error) {
	lr := io.LimitReader(r, limit+1)
	var chunks [][]byte
	total := 0
	// Files in /proc say they are empty and are not: size is only a hint.
	next := int(min(max(size, 0), limit)) + 1
	for {
		if next < 64<<10 && size <= 0 {
			next = 64 << 10
		}
		chunk := make([]byte, min(int64(next), limit+1-int64(total)))
		n, err := io.ReadFull(lr, chunk)
		chunks = append(chunks, chunk[:n])
		total += n
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || int64(total) > limit {
			break
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		next = min(2*len(chunk), 16<<20)
	}
	if int64(total) > limit {
		return nil, tooLarge(name, limit)
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	return bytes.Join(chunks, nil), nil
}

// FileError is a file that tokenlint refuses to read: one that is not a
// regular file, or one larger than the limit.
type FileError struct {
	Path string
	// What says what the file is instead of a regular file ("a named
	// pipe (FIFO)"), empty when the file is regular but too large.
	What string
	// Limit is the limit a file too large exceeds, 0 otherwise.
	Limit int64
}

func (e *FileError) Error() string { return e.Path + ": " + e.Reason() }

// Reason is the error without the file's name.
func (e *FileError) Reason() string {
	if e.What == "" {
		return fmt.Sprintf("larger than the limit of %s (limits.maxFileSize)", formatBytes(e.Limit))
	}
	msg := "not a regular file but " + e.What + ", which tokenlint does not read"
	if strings.Contains(e.What, "named pipe") {
		msg += ": to lint a command's output, pipe it to standard input and name -"
	}
	return msg
}

// notRegular is the error of a file whose mode is not that of a regular
// file; a symbolic link (the mode is that of its target) is named as one.
func notRegular(name string, mode fs.FileMode) error {
	what := describeMode(mode)
	if link, err := os.Lstat(name); err == nil && link.Mode()&fs.ModeSymlink != 0 {
		if target, err := os.Readlink(name); err == nil {
			what = fmt.Sprintf("a symbolic link to %q, %s", target, what)
		}
	}
	return &FileError{Path: name, What: what}
}

func tooLarge(name string, limit int64) error { return &FileError{Path: name, Limit: limit} }

// describeMode names the kind of file a mode is, with an article.
func describeMode(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeIrregular != 0:
		return "a file of an unknown kind"
	}
	return "a regular file"
}

// formatBytes writes a byte count the way Kubernetes quantities do (64Mi),
// the syntax the limits are configured in, or in bytes when it is not a
// whole number of KiB.
func formatBytes(n int64) string {
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"Gi", 1 << 30}, {"Mi", 1 << 20}, {"Ki", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.suffix)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
