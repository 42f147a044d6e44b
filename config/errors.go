package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/agnivade/levenshtein"

	"github.com/tokenlint/tokenlint/analyzer"
)

// Error is one problem in a configuration file, at its position.
type Error struct {
	Pos analyzer.Position
	Msg string
}

func (e Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Errors are all the problems found in a configuration file, in file order.
// Load and CheckRules return them as an error; errors.As recovers the list.
type Errors []Error

// Error prints one file:line:col: message per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// err returns the list as an error, nil when it is empty, sorted by position.
func (es Errors) err() error {
	if len(es) == 0 {
		return nil
	}
	slices.SortStableFunc(es, func(a, b Error) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column))
	})
	return es
}

// suggest returns the candidate closest to s, case-insensitively, or "" when
// none is close enough to be what was meant: an edit distance of at most a
// third of the longer name (at least 2), or a case-insensitive prefix of at
// least 4 characters. Ties go to the earlier candidate.
func suggest(s string, candidates []string) string {
	ls := strings.ToLower(s)
	best, bestDist := "", -1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := levenshtein.ComputeDistance(ls, lc)
		limit := max(2, max(len(ls), len(lc))/3)
		if d > limit && !(min(len(ls), len(lc)) >= 4 && (strings.HasPrefix(lc, ls) || strings.HasPrefix(ls, lc))) {
			continue
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// didYouMean is the suggestion as the end of a message, "" when there is none.
func didYouMean(s string, candidates []string) string {
	if m := suggest(s, candidates); m != "" && m != s {
		return fmt.Sprintf("; did you mean %q?", m)
	}
	return ""
}
