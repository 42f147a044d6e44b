package printers_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/xeipuuv/gojsonschema"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/internal/printable"
	"github.com/tokenlint/tokenlint/printers"
)

// The printer fuzz targets print a report made from fuzzed strings and
// numbers (rule ID, slug and title, message, object kind, namespace and
// name, file and template names, a suppression's reason, line, column and
// flags) and check what each format promises whatever a manifest, a policy
// or a file name holds: the output parses, it holds one line, command,
// result or issue per finding, and no text format lets a control character
// through. Run one for a while with
//
//	go test -run '^$' -fuzz '^FuzzText$' -fuzztime 10m ./printers
//
// (or make fuzz FUZZTIME=10m for every target of the repository).

// fuzzInput is one fuzzed report's ingredients.
type fuzzInput struct {
	ruleID, slug, title, message, kind, namespace, name, file, source, reason string
	line, column                                                              uint16
	flags                                                                     uint8
}

// addSeeds gives a fuzz target the seeds every printer starts from.
func addSeeds(f *testing.F) {
	for _, in := range []fuzzInput{
		{"TL101", "projected-token-missing-audience", "Projected token without audience",
			`projected token "token" in volume "vault-token" has no audience`, "Deployment", "shop", "payments",
			"deploy/payments.yaml", "", "the controller reads it through the API", 37, 13, 0},
		{"ACME001", "acme-audience", "Audience\x1b]0;owned\x07", "pod web\x1b[2J\nforged.yaml:1:1: error TL201 forged",
			"Pod", "shop\r\n::error::forged", "evil\u202egnp\u2066", "app\x1b[31m,b:c%0A.yaml", "agent/templates/x.yaml",
			"reason\u2028with\u0085breaks", 5, 3, 0b10110},
		{"TL201", "legacy-token-secret", "Legacy token Secret", "invalid \xff\xfe UTF-8 \x00 and <markup> & ]]>",
			"Secret", "", "ci-runner-deploy", "charts/agent.tgz", "agent/templates/secret.yaml", "", 0, 0, 0b01001},
		{"", "", "", "", "", "", "", "", "", "", 1, 1, 0b11111111},
		{"X", "-", "支付服务", "café naïve Ωmega 支付", "Pod", "命名空间", "名前", "デプロイ/アプリ.yaml", "", "理由", 65535, 65535, 0b111},
	} {
		f.Add(in.ruleID, in.slug, in.title, in.message, in.kind, in.namespace, in.name, in.file, in.source, in.reason, in.line, in.column, in.flags)
	}
}

// fuzzReport makes the report: the fuzzed finding, a second with its
// strings exchanged (the name as the message, the template as the file), an
// input problem on the fuzzed file with the fuzzed message, as TL001 reports
// it, and a problem with the file as a whole. flags choose the severity
// (bits 0-1), whether the first finding is suppressed (bit 2) in source or by
// a baseline (bit 3), colour (bit 4) and --show-suppressed (bit 5).
func fuzzReport(in fuzzInput) (*analyzer.Report, printers.Options) {
	sev := []analyzer.Severity{analyzer.SeverityNote, analyzer.SeverityWarning, analyzer.SeverityError, analyzer.SeverityWarning}[in.flags&3]
	rule := &analyzer.Rule{ID: in.ruleID, Slug: in.slug, Title: in.title, Severity: sev, Description: in.message, Remediation: in.reason, Origin: in.file}
	line, col := int(in.line), int(in.column)
	first := analyzer.Finding{
		Rule: rule, Severity: sev, Message: in.message,
		Position: analyzer.Position{File: in.file, Line: line, Column: col, EndLine: line, EndColumn: col + 5},
		Source:   in.source,
		Object:   analyzer.Ref{APIVersion: "v1", Kind: in.kind, Namespace: in.namespace, Name: in.name},
		Path:     "spec.volumes[0]", Fingerprint: "f1",
	}
	if in.flags&4 != 0 {
		first.Suppression = &analyzer.Suppression{Kind: "inSource", Via: "comment", Reason: in.reason, Position: analyzer.Position{File: in.file, Line: line + 1, Column: 1}}
		if in.flags&8 != 0 {
			first.Suppression = &analyzer.Suppression{Kind: "external", Via: "baseline", Position: analyzer.Position{File: in.reason}}
		}
	}
	second := analyzer.Finding{
		Rule: rule, Severity: sev, Message: in.name,
		Position:    analyzer.Position{File: in.source, Line: col, Column: line},
		Source:      in.file,
		Object:      analyzer.Ref{Kind: in.namespace, Namespace: in.kind, Name: in.message},
		Fingerprint: "f2",
	}
	broken := analyzer.Finding{
		Rule: analyzer.InvalidManifest, Severity: analyzer.SeverityError, Message: "invalid YAML: " + in.message,
		Position: analyzer.Position{File: in.file, Line: line, Column: col}, Fingerprint: "f3",
	}
	whole := analyzer.Finding{
		Rule: analyzer.InvalidManifest, Severity: analyzer.SeverityError, Message: "cannot read: " + in.reason,
		Position: analyzer.Position{File: in.name}, Fingerprint: "f4",
	}
	rep := &analyzer.Report{
		Findings: []analyzer.Finding{first, second, broken, whole},
		Problems: []analyzer.Problem{{Position: broken.Position, Message: broken.Message}, {Position: whole.Position, Message: whole.Message}},
		Files:    2, Objects: 2,
	}
	opts := printers.Options{Version: in.title, BaseDir: "/nonexistent/base", SARIFRoot: "/nonexistent", Color: in.flags&16 != 0, ShowSuppressed: in.flags&32 != 0}
	return rep, opts
}

// fuzzPrint prints the fuzzed report in a format.
func fuzzPrint(t *testing.T, format string, in fuzzInput) (*analyzer.Report, printers.Options, []byte) {
	t.Helper()
	rep, opts := fuzzReport(in)
	p, err := printers.New(format, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.Print(&buf, rep); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return rep, opts, buf.Bytes()
}

// colours are the only escape sequences the text format writes itself.
var colours = strings.NewReplacer("\x1b[0m", "", "\x1b[31m", "", "\x1b[33m", "", "\x1b[36m", "", "\x1b[1m", "")

// checkShown fails unless every character of s would be shown as itself
// (printable.Safe), but for the line feeds that end lines.
func checkShown(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%s is not UTF-8: %q", what, s)
	}
	for _, r := range s {
		if r != '\n' && !printable.Safe(r) {
			t.Fatalf("%s holds %U: %q", what, r, s)
		}
	}
}

// exact is what a string reads back as from JSON: the string, with each
// byte that is not UTF-8 replaced by U+FFFD, as encoding/json writes it.
func exact(s string) string {
	raw, _ := json.Marshal(s)
	var back string
	_ = json.Unmarshal(raw, &back)
	return back
}

func FuzzText(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, ruleID, slug, title, message, kind, namespace, name, file, source, reason string, line, column uint16, flags uint8) {
		in := fuzzInput{ruleID, slug, title, message, kind, namespace, name, file, source, reason, line, column, flags}
		rep, opts, out := fuzzPrint(t, "text", in)
		text := string(out)
		if !strings.HasSuffix(text, "\n") {
			t.Fatalf("the output does not end with a line feed: %q", text)
		}
		var shown []analyzer.Finding
		for _, fi := range rep.Findings {
			if fi.Counts() || opts.ShowSuppressed {
				shown = append(shown, fi)
			}
		}
		lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		if len(lines) != len(shown)+1 {
			t.Fatalf("%d lines for %d findings and the summary:\n%q", len(lines), len(shown), text)
		}
		plain := colours.Replace(text)
		if !opts.Color && plain != text {
			t.Fatalf("colours without --color: %q", text)
		}
		checkShown(t, "the text output", plain)
		for i, fi := range shown {
			if !strings.Contains(lines[i], printable.Line(fi.Message)) || !strings.Contains(colours.Replace(lines[i]), " "+fi.Severity.String()+" ") {
				t.Fatalf("line %d does not show finding %d (%s, %q) escaped: %q", i, i, fi.Severity, fi.Message, lines[i])
			}
		}
		if !strings.Contains(lines[len(lines)-1], "in 2 objects, 2 files; 2 input problems (exit code 2)") {
			t.Fatalf("the summary is %q", lines[len(lines)-1])
		}
	})
}

func FuzzJSON(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, ruleID, slug, title, message, kind, namespace, name, file, source, reason string, line, column uint16, flags uint8) {
		in := fuzzInput{ruleID, slug, title, message, kind, namespace, name, file, source, reason, line, column, flags}
		rep, _, out := fuzzPrint(t, "json", in)
		var doc struct {
			Tool     struct{ Name, Version string }
			Findings []struct {
				RuleID, Message, Template, Fingerprint string
				Line, Column                           int
				Object                                 analyzer.Ref
				Suppressed                             bool
				SuppressionReason                      string
			}
			Errors  []struct{ Message string }
			Summary struct{ Findings, InputErrors, Suppressed int }
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.DisallowUnknownFields()
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if len(doc.Findings) != len(rep.Findings) || len(doc.Errors) != len(rep.Problems) || doc.Summary.InputErrors != len(rep.Problems) {
			t.Fatalf("%d findings and %d errors for %d and %d", len(doc.Findings), len(doc.Errors), len(rep.Findings), len(rep.Problems))
		}
		// JSON carries every string exactly.
		for i, jf := range doc.Findings {
			f := rep.Findings[i]
			if jf.RuleID != exact(f.Rule.ID) || jf.Message != exact(f.Message) || jf.Template != exact(f.Source) ||
				jf.Object.Name != exact(f.Object.Name) || jf.Object.Namespace != exact(f.Object.Namespace) ||
				jf.Line != f.Position.Line || jf.Fingerprint != f.Fingerprint || jf.Suppressed != (f.Suppression != nil) {
				t.Fatalf("finding %d reads back as %+v, not as %+v", i, jf, f)
			}
			if f.Suppression != nil && jf.SuppressionReason != exact(f.Suppression.Reason) {
				t.Fatalf("finding %d: suppression reason %q, want %q", i, jf.SuppressionReason, f.Suppression.Reason)
			}
		}
		if doc.Tool.Version != exact(title) {
			t.Fatalf("version %q, want %q", doc.Tool.Version, title)
		}
	})
}

var (
	sarifSchemaOnce sync.Once
	sarifSchemaC    *gojsonschema.Schema
	sarifSchemaErr  error
)

// compiledSARIFSchema is the SARIF schema, compiled once for the fuzz
// target's many runs.
func compiledSARIFSchema(t *testing.T) *gojsonschema.Schema {
	sarifSchemaOnce.Do(func() {
		var data []byte
		if data, sarifSchemaErr = os.ReadFile(sarifSchema); sarifSchemaErr == nil {
			sarifSchemaC, sarifSchemaErr = gojsonschema.NewSchema(gojsonschema.NewBytesLoader(data))
		}
	})
	if sarifSchemaErr != nil {
		t.Fatal(sarifSchemaErr)
	}
	return sarifSchemaC
}

func FuzzSARIF(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, ruleID, slug, title, message, kind, namespace, name, file, source, reason string, line, column uint16, flags uint8) {
		in := fuzzInput{ruleID, slug, title, message, kind, namespace, name, file, source, reason, line, column, flags}
		rep, _, out := fuzzPrint(t, "sarif", in)
		res, err := compiledSARIFSchema(t).Validate(gojsonschema.NewBytesLoader(out))
		if err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if !res.Valid() {
			t.Fatalf("does not validate against the SARIF schema: %v\n%s", res.Errors(), out)
		}
		var log struct {
			Runs []struct {
				Tool struct {
					Driver struct {
						Rules []struct{ ID string }
					}
				}
				Invocations []struct {
					ToolExecutionNotifications []struct{ Message struct{ Text string } }
				}
				Results []struct {
					RuleID       string `json:"ruleId"`
					RuleIndex    int    `json:"ruleIndex"`
					Message      struct{ Text string }
					Suppressions []struct {
						Kind, Justification string
					}
				}
			}
		}
		if err := json.Unmarshal(out, &log); err != nil || len(log.Runs) != 1 || len(log.Runs[0].Invocations) != 1 {
			t.Fatalf("not one run with one invocation (%v):\n%s", err, out)
		}
		run := log.Runs[0]
		if len(run.Results) != len(rep.Findings) || len(run.Invocations[0].ToolExecutionNotifications) != len(rep.Problems) {
			t.Fatalf("%d results and %d notifications for %d findings and %d problems", len(run.Results), len(run.Invocations[0].ToolExecutionNotifications), len(rep.Findings), len(rep.Problems))
		}
		for i, r := range run.Results {
			f := rep.Findings[i]
			if r.RuleID != exact(f.Rule.ID) || r.RuleIndex < 0 || r.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
				t.Fatalf("result %d: rule %q at index %d, finding of %q", i, r.RuleID, r.RuleIndex, f.Rule.ID)
			}
			if !strings.HasPrefix(r.Message.Text, exact(f.Message)) {
				t.Fatalf("result %d: message %q, want it to start with %q", i, r.Message.Text, f.Message)
			}
			if (len(r.Suppressions) == 1) != (f.Suppression != nil) {
				t.Fatalf("result %d: suppressions %+v for %+v", i, r.Suppressions, f.Suppression)
			}
		}
		for i, n := range run.Invocations[0].ToolExecutionNotifications {
			if n.Message.Text != exact(rep.Problems[i].Message) {
				t.Fatalf("notification %d: %q, want %q", i, n.Message.Text, rep.Problems[i].Message)
			}
		}
	})
}

func FuzzGitHub(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, ruleID, slug, title, message, kind, namespace, name, file, source, reason string, line, column uint16, flags uint8) {
		in := fuzzInput{ruleID, slug, title, message, kind, namespace, name, file, source, reason, line, column, flags}
		rep, _, out := fuzzPrint(t, "github", in)
		var counted []analyzer.Finding
		for _, fi := range rep.Findings {
			if fi.Counts() {
				counted = append(counted, fi)
			}
		}
		checkShown(t, "the annotations", string(out))
		lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if len(out) == 0 {
			lines = nil
		}
		if len(lines) != len(counted) {
			t.Fatalf("%d lines for %d findings:\n%s", len(lines), len(counted), out)
		}
		for i, l := range lines {
			f := counted[i]
			cmd := map[analyzer.Severity]string{analyzer.SeverityError: "error", analyzer.SeverityWarning: "warning", analyzer.SeverityNote: "notice"}[f.Severity]
			head, msg, ok := strings.Cut(strings.TrimPrefix(l, "::"+cmd+" "), "::")
			if !strings.HasPrefix(l, "::"+cmd+" file=") || !ok {
				t.Fatalf("line %d is not one ::%s command: %q", i, cmd, l)
			}
			// The properties are key=value pairs split at commas, as the
			// runner splits them: no value holds a raw comma or colon.
			keys := []string{}
			for _, kv := range strings.Split(head, ",") {
				k, _, ok := strings.Cut(kv, "=")
				if !ok || strings.Contains(kv, ":") {
					t.Fatalf("line %d: property %q is not key=value, escaped: %q", i, kv, l)
				}
				keys = append(keys, k)
			}
			if keys[0] != "file" || keys[len(keys)-1] != "title" {
				t.Fatalf("line %d: properties %v", i, keys)
			}
			if got := unescapeGitHub(msg); !strings.HasPrefix(got, printable.Line(f.Message)) {
				t.Fatalf("line %d: message %q, want it to start with %q", i, got, printable.Line(f.Message))
			}
		}
	})
}

func FuzzGitLab(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, ruleID, slug, title, message, kind, namespace, name, file, source, reason string, line, column uint16, flags uint8) {
		in := fuzzInput{ruleID, slug, title, message, kind, namespace, name, file, source, reason, line, column, flags}
		rep, _, out := fuzzPrint(t, "gitlab", in)
		issues := validateGitLab(t, out)
		var counted []analyzer.Finding
		for _, fi := range rep.Findings {
			if fi.Counts() {
				counted = append(counted, fi)
			}
		}
		if len(issues) != len(counted) {
			t.Fatalf("%d issues for %d findings:\n%s", len(issues), len(counted), out)
		}
		for i, is := range issues {
			checkShown(t, fmt.Sprintf("issue %d's description", i), is.Description)
			checkShown(t, fmt.Sprintf("issue %d's body", i), is.Content.Body)
			checkShown(t, fmt.Sprintf("issue %d's check name", i), is.CheckName)
			if strings.Contains(is.Description, "\n") || !strings.HasPrefix(is.Description, printable.Line(counted[i].Message)) {
				t.Fatalf("issue %d: description %q, want one line starting with %q", i, is.Description, printable.Line(counted[i].Message))
			}
		}
	})
}

func FuzzJUnit(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, ruleID, slug, title, message, kind, namespace, name, file, source, reason string, line, column uint16, flags uint8) {
		in := fuzzInput{ruleID, slug, title, message, kind, namespace, name, file, source, reason, line, column, flags}
		rep, _, out := fuzzPrint(t, "junit", in)
		// encoding/xml refuses what XML 1.0 cannot hold.
		dec := xml.NewDecoder(bytes.NewReader(out))
		for {
			tok, err := dec.Token()
			if err != nil {
				if err.Error() == "EOF" {
					break
				}
				t.Fatalf("not XML: %v\n%s", err, out)
			}
			if cd, ok := tok.(xml.CharData); ok && strings.IndexFunc(string(cd), func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0 {
				t.Fatalf("character data %q holds a control character", cd)
			}
		}
		d := parseJUnit(t, out)
		// Every finding is one line of its case's text, escaped.
		lines := 0
		for _, s := range d.Suites {
			checkShown(t, "a suite's name", s.Name)
			for _, c := range s.Cases {
				checkShown(t, "a case's name", c.Name)
				checkShown(t, "a case's classname", c.Classname)
				for _, p := range append(append(c.Failure, c.Error...), c.Skipped...) {
					checkShown(t, "a case's message", p.Message)
					checkShown(t, "a case's text", p.Text)
					lines += strings.Count(p.Text, "\n") + 1
				}
			}
		}
		if lines != len(rep.Findings) {
			t.Fatalf("%d lines of findings in the cases for %d findings:\n%s", lines, len(rep.Findings), out)
		}
	})
}
