package config

import (
	"fmt"
	"os"
	"path/filepath"
)

// FileNames are the names Find looks for, in order of preference.
var FileNames = []string{".tokenlint.yaml", ".tokenlint.yml"}

// Find looks for a configuration file in dir, then in its parents, and
// stops after the directory that holds .git (a directory, or a file in a
// worktree), so a file above the repository never applies to it. It returns
// "" when there is none, and an error when one directory holds both names,
// since either could be the one meant.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		var found []string
		for _, name := range FileNames {
			p := filepath.Join(dir, name)
			if info, err := os.Stat(p); err == nil && !info.IsDir() {
				found = append(found, p)
			}
		}
		switch len(found) {
		case 1:
			return found[0], nil
		case 2:
			return "", fmt.Errorf("both %q and %q exist: keep one", found[0], found[1])
		}
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return "", nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}
