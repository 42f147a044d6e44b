package config

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// anchor turns a glob relative to dir into an absolute glob with slashes;
// the glob characters of dir itself are escaped, so a directory named
// "[x]" matches only itself.
func anchor(dir, pattern string) string {
	if path.IsAbs(pattern) || filepath.IsAbs(pattern) {
		return filepath.ToSlash(pattern)
	}
	var b strings.Builder
	for _, r := range filepath.ToSlash(dir) {
		if strings.ContainsRune(`*?[]{}\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return path.Join(b.String(), pattern)
}

// Excluded reports whether a file or directory is excluded: whether a glob
// of exclude matches it or one of the directories above it, so that
// "third_party" and "third_party/**" both exclude everything in
// third_party. A relative path is relative to the working directory.
func (c *Config) Excluded(p string) bool {
	if len(c.Exclude) == 0 {
		return false
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return false
	}
	for q := filepath.ToSlash(abs); ; {
		for _, g := range c.Exclude {
			pattern := g.abs
			if pattern == "" { // a Glob not made by Load
				pattern = anchor(c.Dir, g.Pattern)
			}
			if ok, _ := doublestar.Match(pattern, q); ok {
				return true
			}
		}
		parent := path.Dir(q)
		if parent == q || parent == "." {
			return false
		}
		q = parent
	}
}
