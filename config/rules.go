package config

import (
	"fmt"
	"strings"

	"github.com/tokenlint/tokenlint/analyzer"
)

// RuleName is what the package knows of a rule of the catalog: enough to
// suggest names, complete them in an editor and list them in Init.
type RuleName struct {
	ID, Slug, Title string
	Severity        analyzer.Severity // the default severity
	Default         bool              // on by default
}

// RuleNames describes a catalog's rules.
func RuleNames(rules []*analyzer.Rule) []RuleName {
	out := make([]RuleName, len(rules))
	for i, r := range rules {
		out[i] = RuleName{ID: r.ID, Slug: r.Slug, Title: r.Title, Severity: r.Severity, Default: !r.NonDefault}
	}
	return out
}

// CheckRules checks the rules named in disable, enable and severity: each
// must satisfy known (an ID or a slug, case-insensitively), else it is an
// error at its position with a suggestion from names (the catalog's IDs and
// slugs). A rule written the same way in disable and enable is an error too;
// CheckRuleIDs also catches a rule named by its ID in one and its slug in
// the other.
func (c *Config) CheckRules(known func(string) bool, names []string) error {
	return c.CheckRuleIDs(func(s string) (string, bool) {
		return strings.ToLower(s), known(s)
	}, names)
}

// CheckRuleIDs is CheckRules with a lookup that gives each known rule's ID
// (as Registry.Lookup does), so that an ID and a slug of one rule are known
// to be the same rule: disabled and enabled, or given two severities.
func (c *Config) CheckRuleIDs(lookup func(string) (id string, ok bool), names []string) error {
	var errs Errors
	check := func(s Scalar, where string) (string, bool) {
		id, ok := lookup(s.Value)
		if !ok {
			errs = append(errs, Error{Pos: s.Pos, Msg: fmt.Sprintf("%s: unknown rule %q%s", where, s.Value, didYouMean(s.Value, names))})
		}
		return id, ok
	}
	disabled := map[string]Scalar{}
	for _, s := range c.Disable {
		if id, ok := check(s, "disable"); ok {
			disabled[id] = s
		}
	}
	for _, s := range c.Enable {
		if id, ok := check(s, "enable"); ok {
			if prev, both := disabled[id]; both {
				errs = append(errs, Error{Pos: s.Pos, Msg: fmt.Sprintf("rule %q is both enabled and disabled (disabled at line %d as %q): keep one", s.Value, prev.Pos.Line, prev.Value)})
			}
		}
	}
	set := map[string]Scalar{}
	for _, o := range c.Severity {
		if id, ok := check(o.Rule, "severity"); ok {
			if prev, twice := set[id]; twice {
				errs = append(errs, Error{Pos: o.Rule.Pos, Msg: fmt.Sprintf("severity of rule %q is already set at line %d (as %q)", o.Rule.Value, prev.Pos.Line, prev.Value)})
			}
			set[id] = o.Rule
		}
	}
	return errs.err()
}
