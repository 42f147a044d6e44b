package analyzer

import (
	"regexp"
	"strings"
	"testing"
)

// validRule returns a complete rule that Validate accepts.
func validRule(id, slug string) *Rule {
	return &Rule{
		ID: id, Slug: slug, Title: "A rule for tests", Severity: SeverityWarning,
		Description: "Finds nothing in particular.",
		Remediation: "Do nothing.",
	}
}

func TestNewRegistry(t *testing.T) {
	a, b := validRule("TL901", "first-rule"), validRule("TL902", "second-rule")
	reg, err := NewRegistry(a, b)
	if err != nil {
		t.Fatal(err)
	}
	rules := reg.Rules()
	if len(rules) != 5 || rules[0] != InvalidManifest || rules[1] != InvalidSuppression || rules[2] != UnusedSuppression || rules[3] != a || rules[4] != b {
		t.Errorf("catalog order %v, want TL001, TL002, TL003 then the rules as given", rules)
	}
	for key, want := range map[string]*Rule{
		"TL901": a, "tl901": a, " first-rule ": a, "FIRST-RULE": a,
		"second-rule": b, "TL001": InvalidManifest, "invalid-manifest": InvalidManifest,
		"TL903": nil, "": nil, "first": nil,
	} {
		if got := reg.Lookup(key); got != want {
			t.Errorf("Lookup(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestNewRegistryRejects(t *testing.T) {
	// IDs are upper case and slugs lower case, so a clash that differs only
	// in case is an ID used as a slug.
	tests := []struct {
		name  string
		rules []*Rule
		want  string // regexp the error must match
	}{
		{"duplicate ID", []*Rule{validRule("TL901", "a"), validRule("TL901", "b")}, `rule TL901: "TL901" is already used by rule TL901`},
		{"duplicate ID, other case", []*Rule{validRule("TL901", "a"), validRule("Tl901", "b")}, `ID "Tl901" must be upper-case`},
		{"duplicate slug", []*Rule{validRule("TL901", "same"), validRule("TL902", "same")}, `rule TL902: "same" is already used by rule TL901`},
		{"ID used as another rule's slug", []*Rule{validRule("TL901", "a"), validRule("TL902", "tl901")}, `rule TL902: "tl901" is already used by rule TL901`},
		{"clash with the framework rule", []*Rule{validRule("TL001", "mine")}, `"TL001" is already used by rule TL001`},
		{"clash with the framework slug", []*Rule{validRule("TL901", "invalid-manifest")}, `"invalid-manifest" is already used by rule TL001`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg, err := NewRegistry(tt.rules...)
			if err == nil {
				t.Fatalf("NewRegistry accepted %d rules", len(reg.Rules()))
			}
			if !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Errorf("error %q does not match /%s/", err, tt.want)
			}
		})
	}
}

func TestNewRegistryReportsEveryProblem(t *testing.T) {
	bad := validRule("tl1", "Bad Slug")
	_, err := NewRegistry(bad, validRule("TL901", "ok"), validRule("TL901", "ok2"))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{`ID "tl1"`, `slug "Bad Slug"`, `"TL901" is already used`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Rule)
		want   string // regexp; empty means valid
	}{
		{"valid", func(*Rule) {}, ""},
		{"no period needed in a note", func(r *Rule) { r.Severity = SeverityNote }, ""},
		{"lower-case ID", func(r *Rule) { r.ID = "tl101" }, `ID "tl101" must be upper-case`},
		{"ID without digits", func(r *Rule) { r.ID = "TL" }, `ID "TL"`},
		{"ID starting with a digit", func(r *Rule) { r.ID = "1TL" }, `ID "1TL"`},
		{"ID with a dash", func(r *Rule) { r.ID = "TL-101" }, `ID "TL-101"`},
		{"missing ID", func(r *Rule) { r.ID = "" }, `^rule \(no ID\): ID ""`},
		{"upper-case slug", func(r *Rule) { r.Slug = "Bad-Slug" }, `slug "Bad-Slug"`},
		{"slug with a trailing dash", func(r *Rule) { r.Slug = "bad-" }, `slug "bad-"`},
		{"slug with spaces", func(r *Rule) { r.Slug = "bad slug" }, `slug "bad slug"`},
		{"title with a period", func(r *Rule) { r.Title = "Finds things." }, `title must be a short phrase without a final period`},
		{"missing title", func(r *Rule) { r.Title = "" }, `title`},
		{"remediation without a period", func(r *Rule) { r.Remediation = "Do this" }, `remediation must be one sentence ending with a period`},
		{"missing description", func(r *Rule) { r.Description = "" }, `description is missing`},
		{"blank description", func(r *Rule) { r.Description = " \n\t" }, `description is missing`},
		{"no severity", func(r *Rule) { r.Severity = 0 }, `severity must be error, warning or note`},
		{"threshold severity", func(r *Rule) { r.Severity = SeverityNone }, `severity`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validRule("TL901", "test-rule")
			tt.modify(r)
			err := Validate(r)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("rejected: %v", err)
			case tt.want != "" && err == nil:
				t.Errorf("accepted")
			case tt.want != "" && !regexp.MustCompile(tt.want).MatchString(err.Error()):
				t.Errorf("error %q does not match /%s/", err, tt.want)
			}
			if tt.want != "" {
				if _, err := NewRegistry(r); err == nil {
					t.Errorf("NewRegistry accepted an invalid rule")
				}
			}
		})
	}
	if err := Validate(InvalidManifest); err != nil {
		t.Errorf("the framework rule is invalid: %v", err)
	}
}

func TestRuleApplies(t *testing.T) {
	all := validRule("TL901", "a")
	some := validRule("TL902", "b")
	some.Kinds = []string{"Pod", "Deployment"}
	for _, tt := range []struct {
		r    *Rule
		kind string
		want bool
	}{
		{all, "Anything", true}, {some, "Pod", true}, {some, "Deployment", true}, {some, "pod", false}, {some, "Job", false},
	} {
		if got := tt.r.Applies(tt.kind); got != tt.want {
			t.Errorf("%s.Applies(%q) = %v", tt.r.ID, tt.kind, got)
		}
	}
}

// A rule that panics on an object has failed on it: the failure is a
// finding and a problem of the run, and the other rules and objects are
// still checked.
func TestRulePanicIsAFailure(t *testing.T) {
	crashes := &Rule{ID: "T1", Slug: "crashes", Title: "t", Severity: SeverityNote, Description: "d",
		Check: func(p *Pass) {
			if p.Object.Name == "bad" {
				var m map[string]int
				m["x"]++
			}
		}}
	reports := &Rule{ID: "T2", Slug: "reports", Title: "t", Severity: SeverityNote, Description: "d",
		Check: func(p *Pass) { p.Report("", "seen") }}
	reg, err := NewRegistry(crashes, reports)
	if err != nil {
		t.Fatal(err)
	}
	l := &Loader{Stdin: strings.NewReader("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\n")}
	rep := Run(l.Open([]string{"-"}), reg, DefaultSettings)
	var failed, seen int
	for _, f := range rep.Findings {
		switch {
		case f.Rule == crashes && strings.Contains(f.Message, "rule failed: it crashed (assignment to entry in nil map)"):
			failed++
		case f.Rule == reports:
			seen++
		}
	}
	if failed != 1 || seen != 2 || len(rep.Problems) != 1 {
		t.Errorf("failed %d, seen %d, problems %v; want 1, 2 and one problem", failed, seen, rep.Problems)
	}
}
