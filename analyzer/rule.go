package analyzer

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Rule is one check of the catalog, with the documentation that feeds
// `tokenlint explain`, `tokenlint rules`, the README's rule reference and the
// SARIF rule entries. Go rules and Rego policies are both Rules.
type Rule struct {
	ID    string // stable, for example "TL101"
	Slug  string // stable, for example "projected-token-missing-audience"
	Title string // a short phrase, no period
	// Severity is the default severity.
	Severity Severity
	// Description says what the rule finds and why it matters (Markdown).
	Description string
	// Remediation is one imperative sentence.
	Remediation string
	// Example is a manifest the rule reports; Fixed is that manifest fixed.
	Example string
	Fixed   string
	// ExampleConfig is the .tokenlint.yaml the example needs, for rules
	// that check only what the configuration sets; empty for most.
	ExampleConfig string
	Tags          []string
	// URL is where the rule is documented, when it is documented elsewhere
	// than in tokenlint's own rule reference (user policies).
	URL string
	// Origin says where the rule comes from, for people: empty for a
	// built-in Go rule, "rego" for a built-in policy, the file of a user
	// policy.
	Origin string
	// NonDefault rules run only when the configuration enables them, like
	// staticcheck's non-default checks.
	NonDefault bool
	// Kinds limits the objects the rule receives; empty means all.
	Kinds []string
	// Check inspects one object and reports through the pass. It must be
	// safe for concurrent use. Framework rules, reported by the framework
	// itself, have none.
	Check func(*Pass)
	// Facts are what Check reads of other objects of the run, through
	// the pass's Index: the run keeps them of every object of their kinds
	// before it checks any object (see Fact), and keeps nothing else of
	// other objects.
	Facts []Facts
}

// from names a user policy's file for messages, " (from FILE)"; empty for
// built-in rules.
func (r *Rule) from() string {
	if r.Origin == "" || r.Origin == "rego" {
		return ""
	}
	return " (from " + r.Origin + ")"
}

// Applies reports whether the rule receives objects of the kind.
func (r *Rule) Applies(kind string) bool {
	if len(r.Kinds) == 0 {
		return true
	}
	for _, k := range r.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// InvalidManifest is the framework rule for input that cannot be read or
// parsed, for fields whose values have the wrong type, and for misspelt
// fields.
var InvalidManifest = &Rule{
	ID:       "TL001",
	Slug:     "invalid-manifest",
	Title:    "Manifest is not valid YAML, JSON or Kubernetes",
	Severity: SeverityError,
	Description: "A document that is not valid YAML or JSON, or a Kubernetes object whose fields have the wrong " +
		"types, is rejected by `kubectl` and the API server, and tokenlint cannot check it as intended. The finding " +
		"points at the offending token's line and column (an invalid UTF-8 byte or a control character at its own " +
		"line). Quoted scalars are not coerced: `containerPort: \"8080\"` is a string, " +
		"not a number. A field that a rule owns is reported by that rule instead, such as " +
		"`automountServiceAccountToken: \"false\"` by TL301 (the string does not disable anything). A key that is no " +
		"field of its object's Kubernetes type but is within a typo of one (`audiance`, " +
		"`automountServiceAccountTokens`, a capitalised `AutomountServiceAccountToken`) is reported at its line with " +
		"the field it misspells: `kubectl` refuses unknown fields (strict field validation, its default), and " +
		"decoding would drop it silently, so the finding of the rule it defeats (a token without an audience, an " +
		"automounted token) says so too. A key close to no field is left alone: it may be a field of a Kubernetes " +
		"release newer than tokenlint's API types. A path that " +
		"cannot be read, and standard input, a directory or a chart that holds no Kubernetes object (so that a gate " +
		"pointed at the wrong place checks nothing), are reported too, at the path, as is a file that is not a " +
		"regular file or is larger than `limits.maxFileSize`, and a Helm chart that does not render within " +
		"`limits.helmRenderTimeout` and `limits.helmRenderSize`.",
	Remediation: "Fix the syntax or give the field a value of the type Kubernetes expects.",
	Example: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  automountServiceAccountToken: false
  containers:
  - name: web
    image: nginx
    ports:
    - containerPort: "8080"
`,
	Fixed: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  automountServiceAccountToken: false
  containers:
  - name: web
    image: nginx
    ports:
    - containerPort: 8080
`,
	Tags: []string{"correctness"},
}

// FrameworkRules are the rules the framework reports itself, first in every
// catalog.
func FrameworkRules() []*Rule { return []*Rule{InvalidManifest, InvalidSuppression, UnusedSuppression} }

// IsFramework reports whether the rule is one of the framework's.
func (r *Rule) IsFramework() bool {
	return r == InvalidManifest || r == InvalidSuppression || r == UnusedSuppression
}

// Registry is the catalog of one run: framework rules, built-in Go rules and
// Rego policies, built-in and user supplied, in one list.
type Registry struct {
	rules []*Rule
	byKey map[string]*Rule
}

var (
	idPattern   = regexp.MustCompile(`^[A-Z][A-Z0-9]*[0-9]+$`)
	slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// NewRegistry validates the rules and builds the catalog; the framework rules
// come first. IDs and slugs must be unique, case-insensitively, across both.
func NewRegistry(rules ...*Rule) (*Registry, error) {
	reg := &Registry{byKey: map[string]*Rule{}}
	var errs []string
	for _, r := range append(FrameworkRules(), rules...) {
		if err := Validate(r); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		clash := false
		for _, key := range []string{r.ID, r.Slug} {
			if prev, dup := reg.byKey[strings.ToLower(key)]; dup {
				errs = append(errs, fmt.Sprintf("rule %s%s: %q is already used by rule %s%s", r.ID, r.from(), key, prev.ID, prev.from()))
				clash = true
			}
		}
		if clash {
			continue
		}
		reg.byKey[strings.ToLower(r.ID)] = r
		reg.byKey[strings.ToLower(r.Slug)] = r
		reg.rules = append(reg.rules, r)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("invalid rule catalog:\n  %s", strings.Join(errs, "\n  "))
	}
	return reg, nil
}

// Validate checks that a rule is complete and well formed.
func Validate(r *Rule) error {
	var problems []string
	if !idPattern.MatchString(r.ID) {
		problems = append(problems, fmt.Sprintf("ID %q must be upper-case letters then digits, like TL101", r.ID))
	}
	if !slugPattern.MatchString(r.Slug) {
		problems = append(problems, fmt.Sprintf("slug %q must be lower-case words joined by dashes", r.Slug))
	}
	if r.Title == "" || strings.HasSuffix(r.Title, ".") {
		problems = append(problems, "title must be a short phrase without a final period")
	}
	if r.Severity != SeverityNote && r.Severity != SeverityWarning && r.Severity != SeverityError {
		problems = append(problems, "severity must be error, warning or note")
	}
	if strings.TrimSpace(r.Description) == "" {
		problems = append(problems, "description is missing")
	}
	if r.Remediation != "" && !strings.HasSuffix(r.Remediation, ".") {
		problems = append(problems, "remediation must be one sentence ending with a period")
	}
	if len(problems) > 0 {
		id := r.ID
		if id == "" {
			id = "(no ID)"
		}
		return fmt.Errorf("rule %s: %s", id, strings.Join(problems, "; "))
	}
	return nil
}

// Rules returns the catalog in order: framework rules, then as given.
func (reg *Registry) Rules() []*Rule { return reg.rules }

// Off lists the rules that do not run: non-default rules, unless named in
// enable, and every rule named in disable (IDs or slugs). Unknown names are
// an error; TL001 cannot be turned off, since it is how input errors show.
func (reg *Registry) Off(disable, enable []string) (map[*Rule]bool, error) {
	off := map[*Rule]bool{}
	for _, r := range reg.rules {
		if r.NonDefault {
			off[r] = true
		}
	}
	for _, list := range []struct {
		names []string
		on    bool
	}{{enable, true}, {disable, false}} {
		for _, name := range list.names {
			r := reg.Lookup(name)
			if r == nil {
				msg := fmt.Sprintf("unknown rule %q", name)
				if sug := reg.Suggest(name); sug != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", sug)
				}
				return nil, errors.New(msg)
			}
			if r == InvalidManifest && !list.on {
				return nil, fmt.Errorf("rule %s %s cannot be disabled: it reports input that could not be read", r.ID, r.Slug)
			}
			if list.on {
				delete(off, r)
			} else {
				off[r] = true
			}
		}
	}
	return off, nil
}

// Lookup finds a rule by ID or slug, case-insensitively.
func (reg *Registry) Lookup(idOrSlug string) *Rule {
	return reg.byKey[strings.ToLower(strings.TrimSpace(idOrSlug))]
}
