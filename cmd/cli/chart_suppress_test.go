package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/loader"
	helmvalues "helm.sh/helm/v4/pkg/cli/values"
	"helm.sh/helm/v4/pkg/getter"
	release "helm.sh/helm/v4/pkg/release/v1"
)

// operatorChart is a chart written the way popular charts are, with
// suppression comments in its templates and a tokenlint.io/ignore annotation
// in values.yaml's podAnnotations.
const operatorChart = "testdata/charts/operator"

type chartFinding struct {
	RuleID      string `json:"ruleId"`
	Line        int    `json:"line"`
	File        string `json:"file"`
	Template    string `json:"template"`
	Path        string `json:"path"`
	Placement   string `json:"placement"`
	Suppressed  bool   `json:"suppressed"`
	Suppression *struct {
		Via  string `json:"via"`
		File string `json:"file"`
		Line int    `json:"line"`
	} `json:"suppression"`
}

// operatorTemplate is the chart's template the findings are placed on.
const operatorTemplate = operatorChart + "/templates/deployment.yaml"

// fileLines reads a file of the repository as lines.
func fileLines(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(data), "\n")
}

// lintChartJSON lints with --format json and returns the findings.
func lintChartJSON(t *testing.T, stdin string, args ...string) (int, []chartFinding) {
	t.Helper()
	code, out, errOut := run(t, stdin, append([]string{"lint", "--no-config", "--format", "json"}, args...)...)
	var report struct {
		Findings []chartFinding `json:"findings"`
		Errors   []any          `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("exit %d, output is not JSON: %v\n%s\n%s", code, err, out, errOut)
	}
	if len(report.Errors) > 0 {
		t.Fatalf("input errors: %v", report.Errors)
	}
	return code, report.Findings
}

// renderOperator renders the chart as `helm template` does (client-only,
// release-name, default namespace), independently of tokenlint's loader.
func renderOperator(t *testing.T, set ...string) []string {
	t.Helper()
	chrt, err := loader.Load(filepath.Join(repoRoot, operatorChart))
	if err != nil {
		t.Fatal(err)
	}
	vals, err := (&helmvalues.Options{Values: set}).MergeValues(getter.Providers{})
	if err != nil {
		t.Fatal(err)
	}
	inst := action.NewInstall(action.NewConfiguration())
	inst.DryRunStrategy = action.DryRunClient
	inst.Replace = true
	inst.ReleaseName = "release-name"
	inst.Namespace = "default"
	r, err := inst.Run(chrt, vals)
	if err != nil {
		t.Fatal(err)
	}
	rel := r.(*release.Release)
	if len(rel.Hooks) > 0 {
		t.Fatal("the operator chart has hooks: the rendered stream is more than the manifest")
	}
	return strings.Split(strings.TrimSpace(rel.Manifest)+"\n", "\n")
}

const (
	vaultToken   = "spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken"
	metricsToken = "spec.template.spec.volumes[1].projected.sources[0].serviceAccountToken"
)

// wantSuppressed are the chart's findings with its default values, and how
// each is suppressed: above is the number of lines between the suppression
// and the finding (0 for a comment at the end of the finding's line).
var wantSuppressed = []struct {
	rule, path, via string
	above           int
}{
	{"TL301", "spec.template.spec.automountServiceAccountToken", "annotation", -1},
	{"TL101", vaultToken, "comment", 0},                        // at the end of "- serviceAccountToken:"
	{"TL103", vaultToken + ".expirationSeconds", "comment", 1}, // alone on the line above
	{"TL101", metricsToken, "comment", 1},                      // inside {{- if .Values.vault.metricsToken.enabled }}
}

// TestChartSuppressions lints the chart directory, whose findings and
// suppression comments are placed on the template (and the annotation on
// values.yaml, where podAnnotations sets it), and the same chart rendered
// by helm template on standard input, whose lines are the stream's.
func TestChartSuppressions(t *testing.T) {
	rendered := renderOperator(t)
	lineOf := func(lines []string) func(int) string {
		return func(n int) string {
			if n < 1 || n > len(lines) {
				return ""
			}
			return lines[n-1]
		}
	}
	check := func(t *testing.T, file, annotationFile string, line, annotationLine func(int) string, code int, findings []chartFinding) {
		t.Helper()
		if code != ExitOK {
			t.Errorf("exit %d, want %d: every finding is suppressed", code, ExitOK)
		}
		for _, f := range findings {
			if f.File != file {
				t.Errorf("%s at %s:%d, want file %s", f.RuleID, f.File, f.Line, file)
			}
			if f.Template != "operator/templates/deployment.yaml" {
				t.Errorf("%s at line %d: template %q", f.RuleID, f.Line, f.Template)
			}
			if !f.Suppressed {
				t.Errorf("unexpected unsuppressed %s at line %d (%s): %q", f.RuleID, f.Line, f.Path, line(f.Line))
			}
		}
		for _, w := range wantSuppressed {
			i := slices.IndexFunc(findings, func(f chartFinding) bool { return f.RuleID == w.rule && f.Path == w.path })
			if i < 0 {
				t.Errorf("no %s at %s", w.rule, w.path)
				continue
			}
			f := findings[i]
			if !f.Suppressed || f.Suppression == nil || f.Suppression.Via != w.via {
				t.Errorf("%s at %s, line %d: suppressed %v by %+v, want by %s", w.rule, w.path, f.Line, f.Suppressed, f.Suppression, w.via)
				continue
			}
			switch {
			case w.via == "annotation":
				if at := annotationLine(f.Suppression.Line); f.Suppression.File != annotationFile || !strings.Contains(at, "tokenlint.io/ignore: ") || !strings.Contains(at, "TL301 -- ") {
					t.Errorf("%s suppressed at %s:%d, which is %q, not the podAnnotations' annotation in %s", w.rule, f.Suppression.File, f.Suppression.Line, at, annotationFile)
				}
			case f.Suppression.File != file || f.Suppression.Line != f.Line-w.above || !strings.Contains(line(f.Suppression.Line), "# tokenlint:ignore "+w.rule+" -- "):
				t.Errorf("%s at line %d (%q) suppressed by %s:%d (%q), want the comment %d line(s) above",
					w.rule, f.Line, line(f.Line), f.Suppression.File, f.Suppression.Line, line(f.Suppression.Line), w.above)
			}
		}
		if len(findings) != len(wantSuppressed) {
			t.Errorf("%d findings, want %d: %+v", len(findings), len(wantSuppressed), findings)
		}
	}

	t.Run("chart directory", func(t *testing.T) {
		code, findings := lintChartJSON(t, "", operatorChart)
		for _, f := range findings {
			if f.Placement != "template" {
				t.Errorf("%s at %s:%d: placement %q, want template", f.RuleID, f.File, f.Line, f.Placement)
			}
		}
		check(t, operatorTemplate, operatorChart+"/values.yaml", lineOf(fileLines(t, operatorTemplate)),
			lineOf(fileLines(t, operatorChart+"/values.yaml")), code, findings)
	})
	t.Run("helm template on standard input", func(t *testing.T) {
		code, findings := lintChartJSON(t, strings.Join(rendered, "\n"), "-")
		check(t, "<stdin>", "<stdin>", lineOf(rendered), lineOf(rendered), code, findings)
	})
}

func TestChartSuppressionsBecomeUnused(t *testing.T) {
	set := []string{"vault.audience=vault", "vault.tokenTTL=3600"}
	template := fileLines(t, operatorTemplate)
	var args []string
	for _, s := range set {
		args = append(args, "--set", s)
	}
	_, findings := lintChartJSON(t, "", append(args, operatorChart)...)
	var unused []string
	for _, f := range findings {
		switch f.RuleID {
		case "TL003":
			// It is placed on the template, on the comment's line, as
			// the findings of objects are.
			if f.Template != "operator/templates/deployment.yaml" || f.File != operatorTemplate || f.Placement != "template" {
				t.Errorf("TL003 at %s:%d: template %q, placement %q", f.File, f.Line, f.Template, f.Placement)
				continue
			}
			unused = append(unused, fmt.Sprintf("%d: %s", f.Line, strings.TrimSpace(template[f.Line-1])))
		case "TL301":
			if f.Suppression == nil || f.Suppression.Via != "annotation" {
				t.Errorf("TL301 is not suppressed by the annotation: %+v", f)
			}
		case "TL101":
			if f.Path != metricsToken || !f.Suppressed {
				t.Errorf("unexpected TL101: %+v", f)
			}
		default:
			t.Errorf("unexpected %s at line %d (%s)", f.RuleID, f.Line, f.Path)
		}
	}
	// The comment at the end of "- serviceAccountToken:", and the one
	// above expirationSeconds.
	if len(unused) != 2 ||
		!strings.HasPrefix(strings.SplitN(unused[0], ": ", 2)[1], "- serviceAccountToken: # tokenlint:ignore TL101 -- ") ||
		!strings.HasPrefix(strings.SplitN(unused[1], ": ", 2)[1], "# tokenlint:ignore TL103 -- ") {
		t.Errorf("--set %v: unused suppressions\n%s", set, strings.Join(unused, "\n"))
	}

	// A comment inside a {{- if }} that renders nothing is not rendered
	// either: it is not reported as unused.
	code, findings := lintChartJSON(t, "", "--set", "vault.metricsToken.enabled=false", operatorChart)
	if code != ExitOK || len(findings) != len(wantSuppressed)-1 || slices.ContainsFunc(findings, func(f chartFinding) bool { return !f.Suppressed }) {
		t.Errorf("vault.metricsToken.enabled=false: exit %d, %+v", code, findings)
	}

	// Without the annotation in podAnnotations, TL301 is reported.
	code, findings = lintChartJSON(t, "", "--set", `podAnnotations.tokenlint\.io/ignore=null`, operatorChart)
	if i := slices.IndexFunc(findings, func(f chartFinding) bool { return f.RuleID == "TL301" }); code != ExitFindings || i < 0 || findings[i].Suppressed {
		t.Errorf("without the annotation: exit %d, %+v", code, findings)
	}
}

// A baseline of a chart's findings, placed on templates, suppresses them
// on the next run, and an entry whose finding values fixed counts as fixed:
// its entry names the chart its fingerprint names.
func TestChartBaseline(t *testing.T) {
	const chart = "testdata/charts/tplmap-shop"
	baseline := filepath.Join(t.TempDir(), "baseline.json")
	if code, _, errs := runIn(t, repoRoot, "lint", "--no-config", "--write-baseline", baseline, chart); code != ExitOK {
		t.Fatalf("--write-baseline: exit %d: %s", code, errs)
	}
	code, rep, errs := lintJSON(t, repoRoot, "--no-config", "--baseline", baseline, chart)
	if code != ExitOK || len(rep.unsuppressed()) != 0 || rep.Summary.BaselineFixed != 0 {
		t.Errorf("with its baseline: exit %d (%s), unsuppressed %v, %d fixed; want none", code, errs, rep.unsuppressed(), rep.Summary.BaselineFixed)
	}
	// The payments token gets an audience and a longer lifetime: its
	// TL101 and TL102 are fixed.
	fixed := filepath.Join(t.TempDir(), "fixed.yaml")
	tokens := "tokens:\n  - name: vault\n    audience: vault\n    expirationSeconds: 3600\n  - name: payments\n    audience: payments\n    expirationSeconds: 3600\n"
	if err := os.WriteFile(fixed, []byte(tokens), 0o644); err != nil {
		t.Fatal(err)
	}
	code, rep, errs = lintJSON(t, repoRoot, "--no-config", "--baseline", baseline, "--values", fixed, chart)
	if code != ExitOK || len(rep.unsuppressed()) != 0 || rep.Summary.BaselineFixed != 2 {
		t.Errorf("with two findings fixed: exit %d (%s), unsuppressed %v, %d fixed; want 2", code, errs, rep.unsuppressed(), rep.Summary.BaselineFixed)
	}
}
