package cli

// The git half of --new-from-rev. It runs the git command rather than linking a
// git library: CI machines have git, and git itself knows every corner of the
// index, the work tree and the ignore rules that a library would re-implement.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// changes are the lines changed since a revision, in the work tree as it is
// now: committed, staged, unstaged and untracked changes all count, because
// --new-from-rev is about what the branch as checked out brings, not only what
// has been committed.
//
// Paths are compared absolute and symlink-resolved. A file outside the work tree,
// or one git ignores and does not track, never changed: --new-from-rev cannot
// tell what it was at the revision, and reporting everything in it would defeat
// the option.
type changes struct {
	// root is the absolute, symlink-resolved top level of the work tree.
	root string
	// files holds, by absolute path, every file whose content changed.
	files map[string]*fileChanges
	// gone holds the files deleted since the revision: no line of them is left
	// to report on, but a chart that lost a template did change.
	gone map[string]bool
}

// fileChanges are the changed lines of one file.
type fileChanges struct {
	// every is set for a file that is new, untracked or binary, where every line
	// counts as changed.
	every bool
	// lines are sorted, disjoint and not adjacent once the diff is read, so that
	// Lines can search them.
	lines []lineRange
}

// lineRange is the lines first to last (1-based, inclusive).
type lineRange struct{ first, last int }

// changedSince runs git in dir (any directory inside the work tree; a file
// stands for its directory) and returns what changed since rev, which may be
// anything git names a commit with: a hash, HEAD~1, a branch or a tag.
func changedSince(dir, rev string) (*changes, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, fmt.Errorf("--new-from-rev needs git, which is not on PATH: %v", err)
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("--new-from-rev: %v", err)
	} else if !fi.IsDir() {
		dir = filepath.Dir(dir)
	}

	top, stderr, err := runGit(dir, "rev-parse", "--show-toplevel")
	if err != nil {
		var exit *exec.ExitError
		// LC_ALL=C (see gitCommand) keeps these messages in English; another
		// failure, such as git refusing a repository owned by someone else,
		// keeps git's own words, since "not a work tree" would mislead.
		if errors.As(err, &exit) && (strings.Contains(stderr, "not a git repository") || strings.Contains(stderr, "must be run in a work tree")) {
			return nil, fmt.Errorf("--new-from-rev: %q is not inside a git work tree", dir)
		}
		return nil, fmt.Errorf("--new-from-rev: cannot find the git work tree of %q: %s", dir, gitReason(err, stderr))
	}
	root, err := filepath.EvalSymlinks(strings.TrimSuffix(top, "\n"))
	if err != nil {
		return nil, fmt.Errorf("--new-from-rev: %v", err)
	}

	commit, err := verifyRev(root, rev)
	if err != nil {
		return nil, err
	}

	c := &changes{root: root, files: map[string]*fileChanges{}, gone: map[string]bool{}}
	// The diff runs at the top level, where its paths are relative to the top
	// level whatever diff.relative says. It names the commit by hash, so a
	// revision that is also a file name cannot be read as a path. Each option
	// undoes a setting a user's configuration could make: a diff driver or
	// textconv filter (which would also run code from the repository's config),
	// colour, other path prefixes, merged hunks, submodule diffs, renames.
	diff := gitCommand(root, "diff", "--no-color", "--no-ext-diff", "--no-textconv",
		"--no-renames", "--unified=0", "--inter-hunk-context=0",
		"--src-prefix=a/", "--dst-prefix=b/", "--submodule=short", commit, "--")
	if err := c.readFrom("diff", diff, c.readDiff); err != nil {
		return nil, err
	}
	// Untracked files are not in the diff; ignored ones are left out on purpose.
	untracked := gitCommand(root, "ls-files", "--others", "--exclude-standard", "-z")
	if err := c.readFrom("ls-files", untracked, c.readUntracked); err != nil {
		return nil, err
	}
	for _, f := range c.files {
		f.lines = mergeRanges(f.lines)
	}
	return c, nil
}

// verifyRev returns the commit that rev names in the repository at root.
func verifyRev(root, rev string) (string, error) {
	// A leading dash would make git read the revision as an option; no ref
	// name can start with one.
	if rev == "" || strings.HasPrefix(rev, "-") {
		return "", fmt.Errorf("--new-from-rev: unknown revision %q", rev)
	}
	out, stderr, err := runGit(root, "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err == nil {
		return strings.TrimSpace(out), nil
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		return "", fmt.Errorf("--new-from-rev: cannot resolve revision %q: %s", rev, gitReason(err, stderr))
	}
	// CI checkouts are often shallow, and then HEAD~1 or the base branch is
	// simply not there: say so, or the user hunts for a typo.
	if shallow, _, err := runGit(root, "rev-parse", "--is-shallow-repository"); err == nil && strings.TrimSpace(shallow) == "true" {
		return "", fmt.Errorf("--new-from-rev: unknown revision %q (the clone is shallow: fetch the history back to it, e.g. with fetch-depth: 0)", rev)
	}
	return "", fmt.Errorf("--new-from-rev: unknown revision %q", rev)
}

// gitCommand is git with args, run in dir, that can neither prompt, page, open
// an editor, read standard input nor take the index lock.
func gitCommand(dir string, args ...string) *exec.Cmd {
	global := []string{"--no-pager", "-c", "core.quotePath=false", "-c", "core.fsmonitor=false"}
	cmd := exec.Command("git", append(global, args...)...)
	cmd.Dir = dir
	cmd.Stdin = nil // the null device
	// Later entries win over the inherited ones. GIT_OPTIONAL_LOCKS=0 stops
	// git diff from refreshing the index, which would race an editor or
	// another git command in the same work tree.
	cmd.Env = append(os.Environ(),
		"GIT_TERMINAL_PROMPT=0", "GIT_PAGER=cat", "PAGER=cat", "GIT_EDITOR=:",
		"GIT_OPTIONAL_LOCKS=0", "LC_ALL=C", "LANGUAGE=C")
	return cmd
}

// runGit runs git and returns its output and its standard error.
func runGit(dir string, args ...string) (stdout, stderr string, err error) {
	cmd := gitCommand(dir, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// gitReason is what to say about a failed git command: its first line of
// standard error, quoted since it may echo a path, or else the error.
func gitReason(err error, stderr string) string {
	if line, _, _ := strings.Cut(strings.TrimSpace(stderr), "\n"); line != "" {
		return strconv.Quote(line)
	}
	return err.Error()
}

// readFrom runs cmd, git's subcommand name, and hands its output to read as it
// comes, so that a large diff is never held whole in memory.
func (c *changes) readFrom(name string, cmd *exec.Cmd, read func(*bufio.Reader) error) error {
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("--new-from-rev: %v", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("--new-from-rev: %v", err)
	}
	readErr := read(bufio.NewReaderSize(out, 64<<10))
	// Drain what read left so git is not stopped by a full pipe.
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("--new-from-rev: git %s failed: %s", name, gitReason(err, errOut.String()))
	}
	if readErr != nil {
		return fmt.Errorf("--new-from-rev: cannot read the output of git %s: %v", name, readErr)
	}
	return nil
}

// readDiff reads the output of git diff --unified=0 --no-renames.
func (c *changes) readDiff(r *bufio.Reader) error {
	var (
		path    string // the current file, relative to the top level
		deleted bool   // the current file is gone
		inHunk  bool   // past the current file's header
	)
	for {
		line, err := r.ReadString('\n')
		if err != nil && err != io.EOF {
			return err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(line, "diff --git "):
			// The +++ line names the file unambiguously, but binary files and
			// empty new files have none, so the header's name stands in.
			path, deleted, inHunk = headerPath(line[len("diff --git "):]), false, false
		case strings.HasPrefix(line, "@@ "):
			inHunk = true
			if deleted {
				break
			}
			if path == "" {
				return fmt.Errorf("hunk %q outside a file", line)
			}
			lr, ok := parseHunk(line)
			if !ok {
				return fmt.Errorf("bad hunk header %q", line)
			}
			f := c.file(path)
			f.lines = append(f.lines, lr)
		case inHunk:
			// Hunk bodies start with '+', '-' or '\', so a removed line that
			// reads "-- a/x" must not be taken for a header.
		case strings.HasPrefix(line, "new file mode "):
			if path != "" {
				c.file(path).every = true
			}
		case strings.HasPrefix(line, "deleted file mode "):
			deleted = true
			if path != "" {
				c.gone[c.abs(path)] = true
			}
		case strings.HasPrefix(line, "+++ "):
			if name, ok := patchPath(line[len("+++ "):]); ok && name != "/dev/null" {
				path = strings.TrimPrefix(name, "b/")
			}
		case strings.HasPrefix(line, "Binary files "):
			if !deleted && path != "" {
				c.file(path).every = true
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// readUntracked reads the output of git ls-files --others -z.
func (c *changes) readUntracked(r *bufio.Reader) error {
	for {
		name, err := r.ReadString(0)
		if err != nil && err != io.EOF {
			return err
		}
		// A nested repository is listed as a directory ("sub/"): Under counts
		// it, and its files belong to another work tree.
		if name = strings.TrimSuffix(strings.TrimSuffix(name, "\x00"), "/"); name != "" {
			c.file(name).every = true
		}
		if err == io.EOF {
			return nil
		}
	}
}

// abs is the absolute path of name, a path relative to the top level as git
// prints it.
func (c *changes) abs(name string) string {
	return filepath.Join(c.root, filepath.FromSlash(name))
}

// file returns the changes of name, a path relative to the top level.
func (c *changes) file(name string) *fileChanges {
	p := c.abs(name)
	f := c.files[p]
	if f == nil {
		f = &fileChanges{}
		c.files[p] = f
	}
	return f
}

// parseHunk reads "@@ -a[,b] +c[,d] @@ ..." and returns the new-side lines it
// changed. A pure deletion (d = 0) comes after new line c: lines c and c+1,
// the neighbours of the gap, count as changed, so that an object that lost a
// line counts as changed.
func parseHunk(line string) (lineRange, bool) {
	fields := strings.Fields(line)
	if len(fields) < 4 || !strings.HasPrefix(fields[2], "+") {
		return lineRange{}, false
	}
	start, count, hasCount := strings.Cut(fields[2][1:], ",")
	c, err := strconv.Atoi(start)
	if err != nil || c < 0 {
		return lineRange{}, false
	}
	d := 1
	if hasCount {
		if d, err = strconv.Atoi(count); err != nil || d < 0 {
			return lineRange{}, false
		}
	}
	if d == 0 {
		return lineRange{max(c, 1), c + 1}, true
	}
	return lineRange{max(c, 1), c + d - 1}, true
}

// mergeRanges sorts ranges and joins those that overlap or touch.
func mergeRanges(ranges []lineRange) []lineRange {
	slices.SortFunc(ranges, func(a, b lineRange) int { return a.first - b.first })
	var out []lineRange
	for _, r := range ranges {
		if n := len(out); n > 0 && r.first <= out[n-1].last+1 {
			out[n-1].last = max(out[n-1].last, r.last)
			continue
		}
		out = append(out, r)
	}
	return out
}

// patchPath reads the name on a ---/+++ line. Git C-quotes a name with a
// quote, a backslash or a control character, and ends a name holding a space
// with a tab.
func patchPath(s string) (string, bool) {
	if strings.HasPrefix(s, `"`) {
		name, _, ok := unquoteC(s)
		return name, ok
	}
	return strings.TrimSuffix(s, "\t"), true
}

// headerPath reads the file name from the rest of a "diff --git a/P b/P"
// line, or returns "" if it cannot. Without renames both names are the same,
// which is what makes an unquoted name holding " b/" readable.
func headerPath(s string) string {
	if strings.HasPrefix(s, `"`) {
		_, rest, ok := unquoteC(s)
		if !ok || !strings.HasPrefix(rest, " ") {
			return ""
		}
		b, ok := patchPath(rest[1:])
		if !ok {
			return ""
		}
		return strings.TrimPrefix(b, "b/")
	}
	if len(s)%2 == 0 {
		return ""
	}
	half := len(s) / 2
	a, b := s[:half], s[half+1:]
	if s[half] != ' ' || !strings.HasPrefix(a, "a/") || !strings.HasPrefix(b, "b/") || a[2:] != b[2:] {
		return ""
	}
	return b[2:]
}

// unquoteC reads the C-style quoted string at the start of s, as git writes
// it, and returns it and what follows it.
func unquoteC(s string) (name, rest string, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '"':
			return b.String(), s[i+1:], true
		case ch != '\\':
			b.WriteByte(ch)
			continue
		}
		i++
		if i >= len(s) {
			return "", "", false
		}
		if esc := strings.IndexByte(`abtnvfr"\`, s[i]); esc >= 0 {
			b.WriteByte("\a\b\t\n\v\f\r\"\\"[esc])
			continue
		}
		if i+3 > len(s) {
			return "", "", false
		}
		v, err := strconv.ParseUint(s[i:i+3], 8, 8)
		if err != nil {
			return "", "", false
		}
		b.WriteByte(byte(v))
		i += 2
	}
	return "", "", false
}

// Lines reports whether any line from first to last (1-based, inclusive; a
// last before first means the one line first) of file changed. file is a path
// as given on the command line, relative to the working directory or
// absolute. A file new or untracked since the revision changed on every line;
// a file outside the work tree, or ignored and untracked, never changed.
func (c *changes) Lines(file string, first, last int) bool {
	f := c.files[resolvePath(file)]
	if f == nil {
		return false
	}
	if f.every {
		return true
	}
	last = max(last, first)
	i, _ := slices.BinarySearchFunc(f.lines, first, func(r lineRange, line int) int {
		if r.last < line {
			return -1
		}
		return 1
	})
	return i < len(f.lines) && f.lines[i].first <= last
}

// Under reports whether any file at or beneath dir changed, deleted files
// included, for Helm chart directories, whose findings have no line of a file
// but whose output changes with any file of the chart. A change of file mode
// alone does not count.
func (c *changes) Under(dir string) bool {
	d := resolvePath(dir)
	prefix := strings.TrimSuffix(d, string(filepath.Separator)) + string(filepath.Separator)
	beneath := func(p string) bool { return p == d || strings.HasPrefix(p, prefix) }
	for p := range c.files {
		if beneath(p) {
			return true
		}
	}
	for p := range c.gone {
		if beneath(p) {
			return true
		}
	}
	return false
}

// resolvePath is the absolute, symlink-resolved form of path. Where path does
// not exist (a deleted file, a mistyped name) its longest existing ancestor is
// resolved and the rest joined to it.
func resolvePath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	var rest []string
	for p := abs; ; {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(append([]string{r}, rest...)...)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return abs
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = parent
	}
}
