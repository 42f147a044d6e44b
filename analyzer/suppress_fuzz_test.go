package analyzer

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// suppressionRegistry is a catalog with rules named like tokenlint's, for
// the suppression parser to resolve IDs and slugs against.
func suppressionRegistry(t testing.TB) *Registry {
	t.Helper()
	var rules []*Rule
	for _, r := range [][2]string{{"TL101", "projected-token-missing-audience"}, {"TL103", "projected-token-expiration-too-long"},
		{"TL301", "automounted-token"}, {"ACME001", "acme-audience-allowlist"}} {
		rules = append(rules, &Rule{ID: r[0], Slug: r[1], Title: "Rule " + r[0], Severity: SeverityWarning,
			Description: "A rule for the fuzz targets.", Remediation: "Fix it.", Check: func(*Pass) {}})
	}
	reg, err := NewRegistry(rules...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// directiveSeeds are suppressions as people write them, right and wrong.
var directiveSeeds = []string{
	"ignore TL301 -- the operator watches Pods through the API",
	"ignore TL101,projected-token-expiration-too-long -- Vault checks the audience",
	"ignore TL101, TL103 -- two rules, a blank after the comma",
	"ignore automounted-token--no blank before the dashes",
	"ignore TL301 --",
	"ignore TL301",
	"ignore -- a reason for no rule",
	"ignore TL999 -- unknown",
	"ignore tl301 -- lower case",
	"ignore TL001 -- a framework rule",
	"ignore TL301 TL101 -- no comma",
	"ignored TL301 -- wrong verb",
	"ignore TL301 -- a reason -- with dashes inside",
	"ignore ,,TL301,, -- empty names",
	"ignore TL301 -- \u202ebidi\u202c and \x1b[2J in the reason",
	"ignore TL301 --\u0085 a NEL after the dashes",
	"ignore\tTL301 -- a tab after the verb",
	"",
	"\x00",
	"\x01tokenlint-ignore",
	"\x02tokenlint.io/ignored",
}

// FuzzParseDirective checks the parser of suppression comments and of
// tokenlint.io/ignore annotation values: it never panics, a refusal says
// why, and a suppression it accepts names rules of the catalog other than
// the framework's and a trimmed reason, and, written back in the canonical
// form (IDs joined by commas, " -- ", the reason), parses to the same rules
// and reason; a comment also does so on a YAML line, through the scanner.
func FuzzParseDirective(f *testing.F) {
	for _, s := range directiveSeeds {
		f.Add(s, false)
		f.Add(strings.TrimPrefix(s, "ignore "), true)
	}
	reg := suppressionRegistry(f)
	f.Fuzz(func(t *testing.T, text string, annotation bool) {
		d := Directive{Position: Position{File: "fuzz.yaml", Line: 1, Column: 1}, Text: text, Target: 1}
		if annotation {
			d.Object = &Ref{}
		}
		s, problem := parseDirective(d, reg)
		if s == nil {
			if problem == "" {
				t.Fatalf("%q refused without a word", text)
			}
			if r, _ := utf8.DecodeRuneInString(problem); unicode.IsUpper(r) || strings.HasSuffix(problem, ".") {
				t.Errorf("message %q: start lower-case, no final period", problem)
			}
			return
		}
		if problem != "" || len(s.rules) == 0 || s.reason == "" || s.reason != strings.TrimSpace(s.reason) || len(s.used) != len(s.rules) {
			t.Fatalf("%q accepted as rules %v, reason %q, problem %q", text, ids(s.rules), s.reason, problem)
		}
		for _, r := range s.rules {
			if slices.Contains(FrameworkRules(), r) || reg.Lookup(r.ID) != r {
				t.Fatalf("%q suppresses %s", text, r.ID)
			}
		}
		canonical := strings.Join(ids(s.rules), ",") + " -- " + s.reason
		if !annotation {
			canonical = "ignore " + canonical
		}
		again, problem := parseDirective(Directive{Position: d.Position, Text: canonical, Target: 1, Object: d.Object}, reg)
		if again == nil || !slices.Equal(again.rules, s.rules) || again.reason != s.reason {
			t.Fatalf("%q parsed to %v %q, but its canonical form %q does not parse back: %v", text, ids(s.rules), s.reason, canonical, problem)
		}
		if annotation || strings.ContainsAny(s.reason, "\r\n") {
			return // a comment is one line
		}
		line := "automountServiceAccountToken: true # tokenlint:" + canonical + "\n"
		ds := scanDirectives("fuzz.yaml", []byte(line))
		if len(ds) != 1 {
			t.Fatalf("%q: the scanner finds %d directives", line, len(ds))
		}
		scanned, problem := parseDirective(ds[0], reg)
		if scanned == nil || !slices.Equal(scanned.rules, s.rules) || scanned.reason != s.reason {
			t.Fatalf("%q: scanned, it does not parse back to %v %q: %v", line, ids(s.rules), s.reason, problem)
		}
	})
}

func ids(rules []*Rule) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.ID
	}
	return out
}

// FuzzScanDirectives feeds arbitrary files to the scanner of "#
// tokenlint:" comments: it never panics, and every directive it finds lies
// on a line of the file that holds "tokenlint" in any case, with a region
// inside the line and a target line at or after it, within the file or
// just past its end.
func FuzzScanDirectives(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "rules", "*suppression*.yaml"))
	if len(files) < 3 {
		f.Fatalf("found %d suppression fixtures", len(files))
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range directiveSeeds {
		f.Add([]byte("spec:\n  # tokenlint:" + s + "\n\n  # a comment\n---\n  automountServiceAccountToken: true\n"))
	}
	for _, s := range []string{
		"a: b # TOKENLINT:ignore TL301 -- upper case\n", "#tokenlint-ignore TL301\n", "\xef\xbb\xbf# tokenlint:ignore TL301 -- x\r\n",
		"# tokenlint:ignore TL301 -- last line, nothing after", "{\"a\": \"# tokenlint:ignore TL301 -- JSON has no comments\"}",
		"a: \"#tokenlint:ignore x\" # tokenlint:ignore TL301 -- the second is the comment\n", "\xff\xfe # tokenlint:ignore \xff -- \xff\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Split(data, []byte("\n"))
		for _, d := range scanDirectives("fuzz.yaml", data) {
			p := d.Position
			if p.File != "fuzz.yaml" || p.Line < 1 || p.Line > len(lines) || p.EndLine != p.Line {
				t.Fatalf("directive %q at %+v, outside the %d lines", d.Text, p, len(lines))
			}
			line := lines[p.Line-1]
			if !bytes.Contains(bytes.ToLower(line), []byte("tokenlint")) {
				t.Fatalf("directive %q on line %d, %q, which does not hold tokenlint", d.Text, p.Line, line)
			}
			if width := utf8.RuneCount(line) + 1; p.Column < 1 || p.EndColumn <= p.Column || p.EndColumn > width {
				t.Fatalf("directive %q: columns %d-%d outside line %d, %q", d.Text, p.Column, p.EndColumn, p.Line, line)
			}
			if d.Target < p.Line || d.Target > len(lines)+1 {
				t.Fatalf("directive on line %d covers line %d of %d", p.Line, d.Target, len(lines))
			}
		}
	})
}
