package printers_test

import (
	"bytes"
	"encoding/xml"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/joshdk/go-junit"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/printers"
	"github.com/tokenlint/tokenlint/rules"
)

// junitDoc is JUnit XML read back with encoding/xml.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string         `xml:"name,attr"`
			Classname string         `xml:"classname,attr"`
			Failure   []junitProblem `xml:"failure"`
			Error     []junitProblem `xml:"error"`
			Skipped   []junitProblem `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// parseJUnit reads a report back with encoding/xml and with go-junit (a
// parser CI tools use), and checks that every count in it is right.
func parseJUnit(t *testing.T, doc []byte) junitDoc {
	t.Helper()
	var d junitDoc
	if err := xml.Unmarshal(doc, &d); err != nil {
		t.Fatalf("not XML: %v\n%s", err, doc)
	}
	var tests, failures, errs int
	for _, s := range d.Suites {
		var f, e, sk int
		for _, c := range s.Cases {
			if n := len(c.Failure) + len(c.Error) + len(c.Skipped); n > 1 {
				t.Errorf("case %q holds %d failures, errors and skips, want at most 1", c.Name, n)
			}
			f, e, sk = f+len(c.Failure), e+len(c.Error), sk+len(c.Skipped)
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
			t.Errorf("suite %q counts %d tests, %d failures, %d errors, %d skipped; it holds %d, %d, %d, %d",
				s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
		}
		tests, failures, errs = tests+len(s.Cases), failures+f, errs+e
	}
	if d.Tests != tests || d.Failures != failures || d.Errors != errs {
		t.Errorf("testsuites counts %d tests, %d failures, %d errors; the suites hold %d, %d, %d", d.Tests, d.Failures, d.Errors, tests, failures, errs)
	}

	suites, err := junit.Ingest(doc)
	if err != nil {
		t.Fatalf("go-junit: %v", err)
	}
	if len(suites) != len(d.Suites) {
		t.Fatalf("go-junit reads %d suites, encoding/xml %d", len(suites), len(d.Suites))
	}
	for i, s := range suites {
		want := d.Suites[i]
		if s.Name != want.Name || s.Totals.Tests != want.Tests || s.Totals.Failed != want.Failures || s.Totals.Error != want.Errors || s.Totals.Skipped != want.Skipped {
			t.Errorf("go-junit reads suite %q as %q with %+v; it says %d tests, %d failures, %d errors, %d skipped", want.Name, s.Name, s.Totals, want.Tests, want.Failures, want.Errors, want.Skipped)
		}
	}
	return d
}

// validateJUnitXSD validates with xmllint against testdata/junit/junit.xsd
// when xmllint is installed (.ci/run installs it and validates the CLI's
// output too).
func validateJUnitXSD(t *testing.T, doc []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Log("xmllint is not installed: the XSD check is left to .ci/run")
		return
	}
	file := filepath.Join(t.TempDir(), "report.xml")
	writeFile(t, file, string(doc))
	out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join(repoRoot, "testdata", "junit", "junit.xsd"), file).CombinedOutput()
	if err != nil {
		t.Errorf("xmllint: %v\n%s", err, out)
	}
}

func TestJUnitGolden(t *testing.T) {
	rep, _ := report(t)
	got := render(t, "junit", printers.Options{SARIFRoot: repoRoot})
	golden(t, "examples.junit", got)
	validateJUnitXSD(t, got)
	d := parseJUnit(t, got)

	// One case per rule and object (or file, without an object); TL001 is
	// an error, every other rule a failure of the finding's severity.
	type key struct{ rule, file, obj string }
	cases := map[key]bool{}
	for _, f := range rep.Findings {
		cases[key{f.Rule.ID, f.Position.File, f.Object.String()}] = true
	}
	if d.Tests != len(cases) {
		t.Errorf("%d test cases for %d rule and object pairs", d.Tests, len(cases))
	}
	for _, s := range d.Suites {
		id, _, _ := strings.Cut(s.Name, " ")
		for _, c := range s.Cases {
			if c.Classname != "tokenlint."+id {
				t.Errorf("case %q of suite %q has classname %q", c.Name, s.Name, c.Classname)
			}
			problems := c.Failure
			if id == "TL001" {
				problems = c.Error
			}
			if len(problems) != 1 {
				t.Errorf("%s case %q: %d failures and %d errors", id, c.Name, len(c.Failure), len(c.Error))
				continue
			}
			p := problems[0]
			if p.Message == "" || (p.Type != "error" && p.Type != "warning" && p.Type != "note") || !strings.Contains(p.Text, ": "+p.Type+" "+id+" ") {
				t.Errorf("%s case %q: %+v", id, c.Name, p)
			}
		}
	}
	if !bytes.Contains(got, []byte(`<testcase name="Deployment shop/payments (testdata/examples/payments.yaml)" classname="tokenlint.TL101"`)) ||
		!bytes.Contains(got, []byte(`<testcase name="testdata/golden/input/missing.yaml" classname="tokenlint.TL001"`)) {
		t.Errorf("cases are not named by object and file:\n%s", got)
	}
}

// TestJUnitNoFindings checks that a clean run is one passing test, so a
// Jenkins junit step does not fail for want of results.
func TestJUnitNoFindings(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "sa.yaml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: quiet\nautomountServiceAccountToken: false\n")
	reg, _ := analyzer.NewRegistry(rules.All()...)
	rep := analyzer.Run((&analyzer.Loader{}).Load([]string{dir}), reg, analyzer.DefaultSettings)
	if len(rep.Findings) != 0 {
		t.Fatalf("findings: %+v", rep.Findings)
	}
	doc := print(t, "junit", printers.Options{Registry: reg, BaseDir: dir}, rep)
	validateJUnitXSD(t, doc)
	d := parseJUnit(t, doc)
	if d.Tests != 1 || d.Failures != 0 || d.Errors != 0 || d.Suites[0].Cases[0].Name != "no findings" {
		t.Errorf("a clean run:\n%s", doc)
	}
	suites, _ := junit.Ingest(doc)
	if suites[0].Tests[0].Status != junit.StatusPassed {
		t.Errorf("go-junit reads the clean run's case as %s", suites[0].Tests[0].Status)
	}
}

// TestJUnitHostileNames puts markup, control characters and invalid UTF-8
// in a manifest's names and file name: the XML stays well-formed XML 1.0
// and says what the manifest said, with control characters escaped as in
// the text format.
func TestJUnitHostileNames(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, `a<b>&"c".yaml`)
	name := `evil]]></failure><testcase name="forged"/>\u0000\u001b[31m\u0008\uFFFE\x01 &amp; end`
	writeFile(t, file, strings.Replace(movingManifest, "name: app\n", "name: \""+strings.ReplaceAll(name, `"`, `\"`)+"\"\n", 1))
	reg, _ := analyzer.NewRegistry(rules.All()...)
	rep := analyzer.Run((&analyzer.Loader{}).Load([]string{file}), reg, analyzer.DefaultSettings)
	if len(rep.Findings) == 0 || rep.Findings[0].Object.Name == "" {
		t.Fatalf("no findings on the hostile object: %+v", rep.Problems)
	}
	doc := print(t, "junit", printers.Options{Registry: reg, BaseDir: dir}, rep)
	validateJUnitXSD(t, doc)
	d := parseJUnit(t, doc)
	for _, r := range string(doc) {
		if r == unicode.ReplacementChar || r == '\n' || r == '\t' {
			continue
		}
		if unicode.IsControl(r) || r == 0xFFFE {
			t.Errorf("the XML holds %U, which XML 1.0 does not allow", r)
		}
	}
	if len(d.Suites) == 0 || len(d.Suites[0].Cases) != 1 {
		t.Fatalf("a forged test case got in:\n%s", doc)
	}
	c := d.Suites[0].Cases[0]
	if !strings.HasPrefix(c.Name, `Pod shop/evil]]></failure><testcase name="forged"/>`) || !strings.Contains(c.Name, "&amp; end") ||
		!strings.Contains(c.Name, `/>\x00\x1b[31m\x08\ufffe\x01 &amp;`) ||
		!strings.HasSuffix(c.Name, `(a<b>&"c".yaml)`) {
		t.Errorf("the case's name does not read back as the object's: %q", c.Name)
	}
}

// TestJUnitCountsSuppressedAndMixedCases checks a case whose findings are
// all suppressed (skipped, with what suppressed them), one with several
// findings (one failure carrying all), and the XSD and counts of both.
func TestJUnitCountsSuppressedAndMixedCases(t *testing.T) {
	dir := t.TempDir()
	mixed := strings.Replace(scriptManifest, "      A=", "      B=$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)\n      A=", 1)
	writeFile(t, filepath.Join(dir, "runner.yaml"), mixed)
	writeFile(t, filepath.Join(dir, "quiet.yaml"), strings.Replace(scriptManifest, "name: runner\nspec:",
		"name: quiet\n  annotations:\n    tokenlint.io/ignore: \"TL301,TL302 -- a one-shot job: its token outlives it\"\nspec:", 1))
	reg, _ := analyzer.NewRegistry(rules.All()...)
	rep := analyzer.Run((&analyzer.Loader{}).Load([]string{dir}), reg, analyzer.DefaultSettings)
	doc := print(t, "junit", printers.Options{Registry: reg, BaseDir: dir}, rep)
	validateJUnitXSD(t, doc)
	d := parseJUnit(t, doc)
	var several, skipped bool
	for _, s := range d.Suites {
		for _, c := range s.Cases {
			if len(c.Failure) == 1 && strings.HasPrefix(c.Failure[0].Message, "2 findings: ") && strings.Count(c.Failure[0].Text, "\n") == 1 {
				several = true
			}
			if len(c.Skipped) == 1 && strings.HasPrefix(c.Skipped[0].Message, "suppressed: annotation at quiet.yaml:6: a one-shot job") {
				skipped = true
			}
		}
	}
	if !several || !skipped {
		t.Errorf("want a case with a failure carrying 2 findings (%v) and a skipped suppressed case (%v):\n%s", several, skipped, doc)
	}
}

// TestJUnitXSDCatchesErrors proves the XSD check can fail: a second
// failure in a case, which Jenkins would not read.
func TestJUnitXSDCatchesErrors(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint is not installed")
	}
	doc := render(t, "junit", printers.Options{})
	end := bytes.Index(doc, []byte("</failure>")) + len("</failure>")
	bad := append(append(bytes.Clone(doc[:end]), `<failure message="again"/>`...), doc[end:]...)
	file := filepath.Join(t.TempDir(), "bad.xml")
	writeFile(t, file, string(bad))
	if out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join(repoRoot, "testdata", "junit", "junit.xsd"), file).CombinedOutput(); err == nil {
		t.Errorf("xmllint accepted a case with two failures:\n%s", out)
	}
}
