package analyzer

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"

	"helm.sh/helm/v4/pkg/chart/loader/archive"
)

// checkChartArchive says what is wrong with a packaged chart, naming the
// entry, before Helm's loader reads it: that loader refuses the same
// archives but says only "unable to load chart archive". It applies the
// rules of Helm's archive.LoadArchiveFiles (no absolute path, nothing
// outside the chart's directory, Chart.yaml inside it, at most
// archive.MaxDecompressedChartSize of files) and bounds the whole
// decompressed stream, headers included, to twice that, so that an archive
// of millions of empty entries is refused as well. It reads the archive as
// a stream, keeping none of it.
func checkChartArchive(data []byte) error {
	if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		return errors.New("the file is not a packaged chart: it is not gzip-compressed (a chart is packaged with `helm package`)")
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("the archive is not valid gzip: %v", err)
	}
	stream := &countingReader{r: zr, limit: 2 * archive.MaxDecompressedChartSize}
	tr := tar.NewReader(stream)
	remaining := archive.MaxDecompressedChartSize
	last, files := "", 0
	for {
		hd, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return archiveReadError(err, last, "", stream)
		}
		if hd.FileInfo().IsDir() || hd.Typeflag == tar.TypeXGlobalHeader || hd.Typeflag == tar.TypeXHeader {
			last = hd.Name
			continue
		}
		if err := checkArchiveEntry(hd.Name); err != nil {
			return err
		}
		if hd.Size > remaining {
			return archiveTooLarge(hd.Name)
		}
		n, err := io.Copy(io.Discard, io.LimitReader(tr, remaining))
		if err != nil {
			return archiveReadError(err, last, hd.Name, stream)
		}
		remaining -= n
		if n < hd.Size || remaining <= 0 {
			return archiveTooLarge(hd.Name)
		}
		last = hd.Name
		files++
	}
	if files == 0 {
		return errors.New("the archive holds no file")
	}
	return nil
}

var drivePath = regexp.MustCompile(`^[a-zA-Z]:/`)

// checkArchiveEntry checks an entry's name as Helm's loader does: the first
// segment is the chart's directory, and the rest must stay inside it.
func checkArchiveEntry(name string) error {
	delim := "/"
	if strings.ContainsRune(name, '\\') {
		delim = "\\" // written on Windows
	}
	parts := strings.Split(name, delim)
	rel := strings.ReplaceAll(strings.Join(parts[1:], delim), delim, "/")
	switch {
	case path.IsAbs(rel):
		return fmt.Errorf("entry %q has an absolute path", name)
	case path.Clean(rel) == ".":
		return fmt.Errorf("entry %q is not inside the chart's directory (entries are named chart-name/...)", name)
	case strings.HasPrefix(path.Clean(rel), ".."):
		return fmt.Errorf("entry %q points outside the chart's directory (path traversal)", name)
	case drivePath.MatchString(path.Clean(rel)):
		return fmt.Errorf("entry %q names a Windows drive", name)
	case parts[0] == "Chart.yaml":
		return fmt.Errorf("entry %q: Chart.yaml must be inside the chart's directory (chart-name/Chart.yaml)", name)
	}
	return nil
}

func archiveTooLarge(entry string) error {
	return fmt.Errorf("entry %q makes the chart larger than %s decompressed, Helm's limit (a decompression bomb?)", entry, formatBytes(archive.MaxDecompressedChartSize))
}

// archiveReadError explains an error reading the archive, in entry (or
// after last when between entries).
func archiveReadError(err error, last, entry string, stream *countingReader) error {
	where := "at its start"
	switch {
	case entry != "":
		where = fmt.Sprintf("in entry %q", entry)
	case last != "":
		where = fmt.Sprintf("after entry %q", last)
	}
	switch {
	case stream.exceeded:
		return fmt.Errorf("the archive decompresses to more than %s %s (a decompression bomb?)", formatBytes(stream.limit), where)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("the archive is truncated %s", where)
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader):
		return fmt.Errorf("the archive is corrupt %s: %v", where, err)
	case errors.Is(err, tar.ErrHeader):
		return fmt.Errorf("the archive is not a valid tar archive %s: %v", where, err)
	}
	return fmt.Errorf("cannot read the archive %s: %v", where, err)
}

// countingReader fails once more than limit bytes are read.
type countingReader struct {
	r        io.Reader
	n, limit int64
	exceeded bool
}

var errStreamTooLarge = errors.New("decompressed stream too large")

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n >= c.limit {
		c.exceeded = true
		return 0, errStreamTooLarge
	}
	if int64(len(p)) > c.limit-c.n {
		p = p[:c.limit-c.n]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
