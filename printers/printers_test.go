package printers_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/xeipuuv/gojsonschema"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/cmd/cli"
	"github.com/tokenlint/tokenlint/internal/printable"
	"github.com/tokenlint/tokenlint/printers"
	"github.com/tokenlint/tokenlint/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// repoRoot is where file names in the golden files are relative to.
var repoRoot, _ = filepath.Abs("..")

// report lints the bundled examples, a broken file and a missing one, with
// the built-in catalog (Go rules and Rego policies, by ID), so the goldens
// show findings, Helm templates, and input errors. Paths are given relative
// to the repository, as a user would, so messages that name another file
// (TL301's ServiceAccount) read the same on every machine.
func report(t *testing.T) (*analyzer.Report, *analyzer.Registry) {
	t.Helper()
	reg, err := cli.Catalog() // the built-in Go rules and Rego policies
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(repoRoot)
	paths := []string{
		filepath.Join("testdata", "examples"),
		filepath.Join("testdata", "golden", "input", "broken.yaml"),
		filepath.Join("testdata", "golden", "input", "missing.yaml"),
	}
	return analyzer.Run((&analyzer.Loader{}).Load(paths), reg, analyzer.DefaultSettings), reg
}

func render(t *testing.T, format string, opts printers.Options) []byte {
	t.Helper()
	rep, reg := report(t)
	opts.Registry, opts.BaseDir = reg, repoRoot
	if opts.Version == "" {
		opts.Version = "test"
	}
	return print(t, format, opts, rep)
}

func print(t *testing.T, format string, opts printers.Options, rep *analyzer.Report) []byte {
	t.Helper()
	p, err := printers.New(format, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.Print(&buf, rep); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(repoRoot, "testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./printers -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; run go test ./printers -update and review the diff\n--- got\n%s", name, got)
	}
}

func TestTextGolden(t *testing.T) {
	golden(t, "examples.txt", render(t, "text", printers.Options{}))
}

func TestJSONGolden(t *testing.T) {
	got := render(t, "json", printers.Options{})
	golden(t, "examples.json", got)
	var doc map[string]any
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatalf("not one JSON document: %v", err)
	}
}

func TestTextColourOnlyWhenAsked(t *testing.T) {
	plain := render(t, "text", printers.Options{})
	if bytes.Contains(plain, []byte("\x1b[")) {
		t.Error("plain output holds ANSI escapes")
	}
	coloured := render(t, "text", printers.Options{Color: true})
	if !bytes.Contains(coloured, []byte("\x1b[31merror\x1b[0m")) {
		t.Errorf("coloured output does not paint errors red:\n%s", coloured)
	}
}

func TestTextIsSortedAndRelative(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(render(t, "text", printers.Options{}))), "\n")
	if len(lines) < 3 {
		t.Fatalf("too few lines:\n%s", strings.Join(lines, "\n"))
	}
	prevFile, prevLine := "", 0
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, "testdata/") {
			t.Errorf("file name is not relative to the base directory: %s", l)
		}
		parts := strings.SplitN(l, ":", 3)
		file, line := parts[0], 0
		if len(parts) == 3 {
			line, _ = strconv.Atoi(parts[1])
		}
		if file < prevFile || file == prevFile && line < prevLine {
			t.Errorf("not sorted by file and line: %s after %s:%d", l, prevFile, prevLine)
		}
		prevFile, prevLine = file, line
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := printers.New("xml", printers.Options{}); err == nil {
		t.Error("an unknown format was accepted")
	}
}

// sarifSchema is the official OASIS SARIF 2.1.0 schema (Errata 01), copied
// from ../shared/sarif so the tests also run where shared/ is absent (the
// project's GitHub workflow); TestSARIFSchemaIsTheOfficialOne keeps the copy
// honest.
var sarifSchema = filepath.Join(repoRoot, "testdata", "sarif", "sarif-schema-2.1.0.json")

// TestSARIFSchemaIsTheOfficialOne checks the copy against the OASIS schema's
// published sha256, and against shared/ when it is beside the repository.
func TestSARIFSchemaIsTheOfficialOne(t *testing.T) {
	data, err := os.ReadFile(sarifSchema)
	if err != nil {
		t.Fatal(err)
	}
	const official = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
	if sum := fmt.Sprintf("%x", sha256.Sum256(data)); sum != official {
		t.Errorf("%s has sha256 %s, want the official schema's %s", sarifSchema, sum, official)
	}
	shared, err := os.ReadFile(filepath.Join(repoRoot, "..", "shared", "sarif", "sarif-schema-2.1.0.json"))
	if err == nil && !bytes.Equal(shared, data) {
		t.Errorf("%s differs from ../shared/sarif/sarif-schema-2.1.0.json", sarifSchema)
	}
}

// validateSARIF checks the exact bytes a printer wrote against the SARIF
// schema. (go-sarif's Report.Validate checks a Go value, which it would
// marshal again with its own defaults: not what we write.)
func validateSARIF(t *testing.T, doc []byte) {
	t.Helper()
	if err := schemaErrors(doc); err != nil {
		t.Errorf("the SARIF does not validate against %s: %v\n%s", sarifSchema, err, doc)
	}
}

func schemaErrors(doc []byte) error {
	schema, err := os.ReadFile(sarifSchema)
	if err != nil {
		return err
	}
	res, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema), gojsonschema.NewBytesLoader(doc))
	if err != nil {
		return err
	}
	if !res.Valid() {
		var msgs []string
		for _, e := range res.Errors() {
			msgs = append(msgs, e.String())
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	return nil
}

// sarifLog is the part of a SARIF log the tests read.
type sarifLog struct {
	Runs []struct {
		OriginalURIBaseIDs map[string]struct {
			URI string `json:"uri"`
		} `json:"originalUriBaseIds"`
		Tool struct {
			Driver struct {
				Name, Version, SemanticVersion string
				Rules                          []struct {
					ID, Name   string
					HelpURI    string `json:"helpUri"`
					Properties map[string]any
				}
			}
		}
		Invocations []struct {
			ExecutionSuccessful        *bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level   string
				Message struct{ Text string }
			}
		}
		Results []sarifResult
	}
}

type sarifResult struct {
	RuleID    string `json:"ruleId"`
	RuleIndex *int   `json:"ruleIndex"`
	Level     string
	Message   struct{ Text string }
	Locations []struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI       string `json:"uri"`
				URIBaseID string `json:"uriBaseId"`
			}
			Region *struct {
				StartLine, StartColumn, EndLine, EndColumn int
			}
		}
		LogicalLocations []struct {
			Name, Kind         string
			FullyQualifiedName string `json:"fullyQualifiedName"`
		}
	}
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	RelatedLocations    []struct {
		ID               int
		Message          struct{ Text string }
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			}
			Region *struct{ StartLine, StartColumn int }
		}
	} `json:"relatedLocations"`
}

func parseSARIF(t *testing.T, doc []byte) sarifLog {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal(doc, &log); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return log
}

func TestSARIFGolden(t *testing.T) {
	got := render(t, "sarif", printers.Options{Version: "v1.2.3", SARIFRoot: repoRoot})
	validateSARIF(t, got)
	log := parseSARIF(t, got)
	// The root's file URI depends on where the repository is checked out.
	rootURI := log.Runs[0].OriginalURIBaseIDs["%SRCROOT%"].URI
	if !strings.HasPrefix(rootURI, "file:///") || !strings.HasSuffix(rootURI, "/") {
		t.Errorf("%%SRCROOT%% is %q, want a file URI ending in /", rootURI)
	}
	golden(t, "examples.sarif", bytes.ReplaceAll(got, []byte(`"`+rootURI+`"`), []byte(`"file:///REPO/"`)))
}

func TestSARIFCatalogAndResults(t *testing.T) {
	rep, reg := report(t)
	doc := print(t, "sarif", printers.Options{Registry: reg, BaseDir: repoRoot, SARIFRoot: repoRoot, Version: "v0.3.0"}, rep)
	validateSARIF(t, doc)
	run := parseSARIF(t, doc).Runs[0]
	drv := run.Tool.Driver
	if drv.Name != "tokenlint" || drv.Version != "0.3.0" || drv.SemanticVersion != "0.3.0" {
		t.Errorf("driver %q version %q semanticVersion %q", drv.Name, drv.Version, drv.SemanticVersion)
	}
	if len(drv.Rules) != len(reg.Rules()) {
		t.Fatalf("%d rules in the driver, want the whole catalog of %d", len(drv.Rules), len(reg.Rules()))
	}
	for i, r := range reg.Rules() {
		d := drv.Rules[i]
		if d.ID != r.ID {
			t.Errorf("rule %d is %s, want %s", i, d.ID, r.ID)
		}
		want := "https://github.com/tokenlint/tokenlint/blob/main/README.md#" + strings.ToLower(r.ID) + "-" + r.Slug
		if d.HelpURI != want {
			t.Errorf("%s helpUri %q, want %q", r.ID, d.HelpURI, want)
		}
		tags, _ := d.Properties["tags"].([]any)
		if p := d.Properties["precision"]; p != "very-high" && p != "high" {
			t.Errorf("%s precision %v", r.ID, p)
		}
		// GitHub ranks a security alert by its security-severity: every
		// rule tagged security has one, and only framework rules (invalid
		// input is not a vulnerability) have neither.
		sev, scored := d.Properties["security-severity"]
		if scored {
			s, _ := sev.(string)
			if f, err := strconv.ParseFloat(s, 64); err != nil || f < 0.1 || f > 10 {
				t.Errorf("%s security-severity %v is not a string number in 0.1..10", r.ID, sev)
			}
		} else if !r.IsFramework() {
			t.Errorf("%s has no security-severity", r.ID)
		}
		if tagged := slices.Contains(tags, any("security")); tagged != scored {
			t.Errorf("%s: tagged security %v (tags %v), security-severity %v: want the tag exactly with a score", r.ID, tagged, tags, sev)
		}
	}
	if len(run.Results) != len(rep.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(rep.Findings))
	}
	for i, res := range run.Results {
		f := rep.Findings[i]
		if res.RuleIndex == nil || drv.Rules[*res.RuleIndex].ID != res.RuleID || res.RuleID != f.Rule.ID {
			t.Errorf("result %d: ruleId %s, ruleIndex %v, finding of %s", i, res.RuleID, res.RuleIndex, f.Rule.ID)
		}
		if res.Level != f.Severity.String() {
			t.Errorf("result %d: level %s, want %s", i, res.Level, f.Severity)
		}
		if len(res.Locations) != 1 {
			t.Fatalf("result %d has %d locations", i, len(res.Locations))
		}
		loc := res.Locations[0]
		al := loc.PhysicalLocation.ArtifactLocation
		if al.URIBaseID != "%SRCROOT%" || strings.HasPrefix(al.URI, "/") || strings.Contains(al.URI, `\`) {
			t.Errorf("result %d: artifact %+v is not relative to %%SRCROOT%%", i, al)
		}
		region := loc.PhysicalLocation.Region
		switch {
		case f.Position.Line == 0 && region != nil:
			t.Errorf("result %d: a whole-file problem has a region %+v", i, *region)
		case f.Position.Line > 0 && (region == nil || region.StartLine != f.Position.Line || region.StartColumn != f.Position.Column):
			t.Errorf("result %d: region %+v, want %v", i, region, f.Position)
		}
		if f.Object.Kind != "" {
			if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].FullyQualifiedName != f.Object.Kind+"/"+f.Object.Namespace+"/"+f.Object.Name {
				t.Errorf("result %d: logical locations %+v for %v", i, loc.LogicalLocations, f.Object)
			}
		}
		if res.PartialFingerprints["tokenlint/"+analyzer.FingerprintVersion] == "" {
			t.Errorf("result %d has no tokenlint fingerprint", i)
		}
	}
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful == nil || *inv.ExecutionSuccessful {
		t.Error("executionSuccessful is not false although the input has errors")
	}
	if len(inv.ToolExecutionNotifications) != len(rep.Problems) || len(rep.Problems) == 0 {
		t.Errorf("%d notifications for %d input problems", len(inv.ToolExecutionNotifications), len(rep.Problems))
	}
	for _, n := range inv.ToolExecutionNotifications {
		if n.Level != "error" || n.Message.Text == "" {
			t.Errorf("notification %+v", n)
		}
	}
}

// lintDir lints a directory and prints it as SARIF, with the directory as
// the SARIF root.
func lintDir(t *testing.T, dir string) (sarifLog, *analyzer.Report) {
	t.Helper()
	reg, err := analyzer.NewRegistry(rules.All()...)
	if err != nil {
		t.Fatal(err)
	}
	rep := analyzer.Run((&analyzer.Loader{}).Load([]string{dir}), reg, analyzer.DefaultSettings)
	doc := print(t, "sarif", printers.Options{Registry: reg, BaseDir: dir, SARIFRoot: dir, Version: "test"}, rep)
	validateSARIF(t, doc)
	return parseSARIF(t, doc), rep
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const movingManifest = `apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: shop
spec:
  containers:
  - name: app
    image: registry.example.com/app:1.0
  volumes:
  - name: vault-token
    projected:
      sources:
      - serviceAccountToken:
          path: token
          expirationSeconds: 300
      - serviceAccountToken:
          path: other
          audience: vault
          expirationSeconds: 999999
`

func TestSARIFFingerprintsSurviveMovedLines(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.yaml")
	writeFile(t, path, movingManifest)
	before, _ := lintDir(t, dir)
	padding := strings.Repeat("# a comment\n\n", 5) // ten lines
	writeFile(t, path, strings.Replace(movingManifest, "  volumes:\n", padding+"  volumes:\n", 1))
	after, _ := lintDir(t, dir)

	b, a := before.Runs[0].Results, after.Runs[0].Results
	if len(a) != len(b) {
		t.Fatalf("%d findings before, %d after", len(b), len(a))
	}
	const volumesLine = 10 // the padding goes above it
	moved := 0
	for i := range b {
		lb, la := b[i].Locations[0].PhysicalLocation.Region, a[i].Locations[0].PhysicalLocation.Region
		want := lb.StartLine
		if lb.StartLine >= volumesLine {
			want += 10
			moved++
		}
		if la.StartLine != want {
			t.Errorf("%s: line %d before, %d after, want %d", b[i].RuleID, lb.StartLine, la.StartLine, want)
		}
		if fb, fa := b[i].PartialFingerprints["tokenlint/"+analyzer.FingerprintVersion], a[i].PartialFingerprints["tokenlint/"+analyzer.FingerprintVersion]; fb != fa {
			t.Errorf("%s at line %d: fingerprint %s became %s when lines moved", b[i].RuleID, lb.StartLine, fb, fa)
		}
	}
	if moved < 3 {
		t.Errorf("only %d findings below the padding, want the 3 token findings", moved)
	}
}

func TestSARIFFingerprintsOfDistinctFindingsDiffer(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "app.yaml"), movingManifest)
	// The same manifest in another file, and two broken documents in one
	// file: findings that share rule, object and field, or have neither.
	writeFile(t, filepath.Join(dir, "copy.yaml"), movingManifest)
	writeFile(t, filepath.Join(dir, "broken.yaml"), "a: [\n---\nb: {\n")
	log, rep := lintDir(t, dir)
	seen := map[string]int{}
	results := log.Runs[0].Results
	for i, r := range results {
		fp := r.PartialFingerprints["tokenlint/"+analyzer.FingerprintVersion]
		if j, dup := seen[fp]; dup {
			t.Errorf("results %d and %d share the fingerprint %s:\n%+v\n%+v", j, i, fp, results[j], r)
		}
		seen[fp] = i
	}
	if n := len(rep.Problems); n < 2 {
		t.Errorf("%d input problems, want the two broken documents", n)
	}
	if len(results) < 8 {
		t.Errorf("only %d results", len(results))
	}
}

func TestSARIFOutsideRootAndStdin(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "a b.yaml")
	writeFile(t, outside, movingManifest)
	reg, _ := analyzer.NewRegistry(rules.All()...)
	in := (&analyzer.Loader{Stdin: strings.NewReader(movingManifest)}).Load([]string{outside, "-"})
	rep := analyzer.Run(in, reg, analyzer.DefaultSettings)
	doc := print(t, "sarif", printers.Options{Registry: reg, BaseDir: root, SARIFRoot: root}, rep)
	validateSARIF(t, doc)
	uris := map[string]string{}
	for _, r := range parseSARIF(t, doc).Runs[0].Results {
		al := r.Locations[0].PhysicalLocation.ArtifactLocation
		uris[al.URI] = al.URIBaseID
	}
	wantOutside := "file://" + strings.ReplaceAll(filepath.ToSlash(outside), " ", "%20")
	if base, ok := uris[wantOutside]; !ok || base != "" {
		t.Errorf("a file outside the root: URIs %v, want %s without a base", uris, wantOutside)
	}
	if base, ok := uris["%3Cstdin%3E"]; !ok || base != "" {
		t.Errorf("standard input: URIs %v, want %%3Cstdin%%3E without a base", uris)
	}
}

// TestSARIFValidationCatchesErrors proves both checks can fail: the schema
// check of the bytes we write, and go-sarif's Report.Validate.
func TestSARIFValidationCatchesErrors(t *testing.T) {
	good := render(t, "sarif", printers.Options{SARIFRoot: repoRoot})
	if err := schemaErrors(good); err != nil {
		t.Fatalf("the report does not validate: %v", err)
	}
	bad := bytes.Replace(good, []byte(`"level": "warning"`), []byte(`"level": "high"`), 1)
	if bytes.Equal(bad, good) {
		t.Fatal("no warning-level result to break")
	}
	if err := schemaErrors(bad); err == nil || !strings.Contains(err.Error(), "level") {
		t.Errorf("a result of level \"high\" passed the schema check (%v)", err)
	}

	// go-sarif's Validate marshals a Go value again with its own defaults
	// (a report read back with FromBytes gets an empty newlineSequences,
	// which the schema rejects), so it is checked on a report built with it.
	run := sarif.NewRunWithInformationURI("tokenlint", "https://github.com/tokenlint/tokenlint")
	run.AddRule("TL101")
	run.CreateResultForRule("TL101").WithLevel("warning").WithMessage(sarif.NewTextMessage("m")).
		AddLocation(sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
			WithArtifactLocation(sarif.NewSimpleArtifactLocation("a.yaml")).
			WithRegion(sarif.NewRegion().WithStartLine(3).WithStartColumn(5))))
	rep := sarif.NewReport().AddRun(run)
	if err := rep.Validate(); err != nil {
		t.Fatalf("go-sarif rejects a good report: %v", err)
	}
	run.Results[0].Level = "high"
	if err := rep.Validate(); err == nil || !strings.Contains(err.Error(), "level") {
		t.Errorf("go-sarif's Validate accepted a result of level \"high\" (%v)", err)
	}
}

func TestGitHubGolden(t *testing.T) {
	golden(t, "examples.github", render(t, "github", printers.Options{}))
}

// unescapeGitHub undoes the runner's escaping (actions/toolkit command.ts).
func unescapeGitHub(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

func TestGitHubCannotBeInjected(t *testing.T) {
	dir := t.TempDir()
	name := "evil\n::set-output name=x::y\r\n::error::forged %0A, a: b"
	manifest := fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: %q
  namespace: "ns,with:colons%%0A"
spec:
  containers:
  - name: app
    image: registry.example.com/app:1.0
  volumes:
  - name: "vol\n::warning::x"
    projected:
      sources:
      - serviceAccountToken:
          path: token
`, name)
	file := filepath.Join(dir, "a,b:c%0A.yaml")
	writeFile(t, file, manifest)
	reg, _ := analyzer.NewRegistry(rules.All()...)
	rep := analyzer.Run((&analyzer.Loader{}).Load([]string{file}), reg, analyzer.DefaultSettings)
	if len(rep.Findings) == 0 {
		t.Fatal("no findings")
	}
	out := string(print(t, "github", printers.Options{Registry: reg, BaseDir: dir}, rep))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(rep.Findings) {
		t.Fatalf("%d lines for %d findings:\n%s", len(lines), len(rep.Findings), out)
	}
	for i, l := range lines {
		f := rep.Findings[i]
		if !strings.HasPrefix(l, "::"+map[analyzer.Severity]string{analyzer.SeverityError: "error", analyzer.SeverityWarning: "warning", analyzer.SeverityNote: "notice"}[f.Severity]+" file=") {
			t.Errorf("line %d does not start with its own command: %q", i, l)
		}
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d holds a line break: %q", i, l)
		}
		head, msg, ok := strings.Cut(l[2:], "::")
		if !ok {
			t.Fatalf("line %d has no message: %q", i, l)
		}
		props := map[string]string{}
		for _, kv := range strings.Split(head[strings.IndexByte(head, ' ')+1:], ",") {
			k, v, _ := strings.Cut(kv, "=")
			props[k] = unescapeGitHub(v)
		}
		if props["file"] != "a,b:c%0A.yaml" {
			t.Errorf("line %d: file %q, want a,b:c%%0A.yaml", i, props["file"])
		}
		// The runner shows the message as the text format would: line
		// breaks and control characters escaped, the rest as written.
		if got := unescapeGitHub(msg); !strings.HasPrefix(got, printable.Line(f.Message)) || !strings.Contains(got, printable.Line(name)) ||
			strings.IndexFunc(got, unicode.IsControl) >= 0 {
			t.Errorf("line %d: message %q does not read back as %q with the object's name, escaped", i, got, f.Message)
		}
	}
}

// TestSARIFUserPolicies checks rules the security-severity table does not
// know: scored by their severity, documented where they say.
func TestSARIFUserPolicies(t *testing.T) {
	user := func(id, slug, url string, sev analyzer.Severity) *analyzer.Rule {
		return &analyzer.Rule{ID: id, Slug: slug, Title: "A user policy", Severity: sev,
			Description: "Finds things.", Origin: "policies/" + slug + ".rego", URL: url}
	}
	reg, err := analyzer.NewRegistry(
		user("ACME1", "acme-error", "https://acme.example/policies#acme1", analyzer.SeverityError),
		user("ACME2", "acme-warning", "", analyzer.SeverityWarning),
		user("ACME3", "acme-note", "", analyzer.SeverityNote),
	)
	if err != nil {
		t.Fatal(err)
	}
	doc := print(t, "sarif", printers.Options{Registry: reg, BaseDir: repoRoot}, &analyzer.Report{})
	validateSARIF(t, doc)
	run := parseSARIF(t, doc).Runs[0]
	if run.Results == nil {
		t.Error("no results array: GitHub requires one, even empty")
	}
	want := map[string]struct{ sev, help string }{
		"TL001": {"", "https://github.com/tokenlint/tokenlint/blob/main/README.md#tl001-invalid-manifest"},
		"TL002": {"", "https://github.com/tokenlint/tokenlint/blob/main/README.md#tl002-invalid-suppression"},
		"TL003": {"", "https://github.com/tokenlint/tokenlint/blob/main/README.md#tl003-unused-suppression"},
		"ACME1": {"7.0", "https://acme.example/policies#acme1"},
		"ACME2": {"5.0", ""},
		"ACME3": {"2.0", ""},
	}
	for _, r := range run.Tool.Driver.Rules {
		w := want[r.ID]
		if sev, _ := r.Properties["security-severity"].(string); sev != w.sev || r.HelpURI != w.help {
			t.Errorf("%s: security-severity %q, helpUri %q; want %q, %q", r.ID, sev, r.HelpURI, w.sev, w.help)
		}
	}
	if !bytes.Contains(doc, []byte(`"results": []`)) {
		t.Error(`an empty run has no "results": []`)
	}
}

const scriptManifest = `apiVersion: v1
kind: Pod
metadata:
  name: runner
spec:
  containers:
  - name: runner
    image: registry.example.com/runner:1.0
    command: ["/bin/sh", "-c"]
    args:
    - |
      A=$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)
      exec /runner
`

// TestSARIFFingerprintsFollowTheirFinding inserts a second finding on the
// same field above a first one: the first keeps its fingerprint, so a
// dismissed alert does not move to the newcomer.
func TestSARIFFingerprintsFollowTheirFinding(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "runner.yaml")
	writeFile(t, path, scriptManifest)
	before, _ := lintDir(t, dir)
	writeFile(t, path, strings.Replace(scriptManifest, "      A=", "      B=$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)\n      A=", 1))
	after, _ := lintDir(t, dir)
	byVariable := func(log sarifLog) map[string]string {
		out := map[string]string{}
		for _, r := range log.Runs[0].Results {
			if r.RuleID == "TL302" {
				for _, v := range []string{`"A"`, `"B"`} {
					if strings.Contains(r.Message.Text, "variable "+v) {
						out[v] = r.PartialFingerprints["tokenlint/"+analyzer.FingerprintVersion]
					}
				}
			}
		}
		return out
	}
	b, a := byVariable(before), byVariable(after)
	if b[`"A"`] == "" || a[`"A"`] == "" || a[`"B"`] == "" {
		t.Fatalf("TL302 findings for variables A and B are missing: before %v, after %v", b, a)
	}
	if b[`"A"`] != a[`"A"`] {
		t.Errorf("A's fingerprint changed from %s to %s when B was added above it", b[`"A"`], a[`"A"`])
	}
	if a[`"A"`] == a[`"B"`] {
		t.Errorf("A and B share the fingerprint %s", a[`"A"`])
	}
}

// TestGitHubPathsAndLimit checks that annotation paths are relative to the
// repository root, not the working directory, and that a last notice says
// when GitHub will not show every annotation.
func TestGitHubPathsAndLimit(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "deploy")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	var docs []string
	for i := range 11 {
		docs = append(docs, strings.Replace(movingManifest, "name: app\n", fmt.Sprintf("name: app-%d\n", i), 1))
	}
	file := filepath.Join(sub, "apps.yaml")
	writeFile(t, file, strings.Join(docs, "---\n"))
	reg, _ := analyzer.NewRegistry(rules.All()...)
	rep := analyzer.Run((&analyzer.Loader{}).Load([]string{file}), reg, analyzer.DefaultSettings)
	out := string(print(t, "github", printers.Options{Registry: reg, BaseDir: sub, SARIFRoot: root}, rep))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if !strings.Contains(lines[0], " file=deploy/apps.yaml,") {
		t.Errorf("the path is not relative to the repository root: %q", lines[0])
	}
	last := lines[len(lines)-1]
	if len(lines) != len(rep.Findings)+1 || !strings.HasPrefix(last, "::notice title=tokenlint::11 errors,") {
		t.Errorf("%d lines for %d findings, last %q: want a closing notice about GitHub's limit", len(lines), len(rep.Findings), last)
	}
}

// TestSuppressedFindings checks what each format does with suppressed
// findings: a comment, an annotation and a baseline suppress findings of the
// suppression fixture and the examples.
func TestSuppressedFindings(t *testing.T) {
	_, reg := report(t)
	paths := []string{filepath.Join("testdata", "rules", "suppressions.yaml"), filepath.Join("testdata", "examples", "payments.yaml")}
	first := analyzer.Run((&analyzer.Loader{}).Load(paths), reg, analyzer.DefaultSettings)
	// The baseline accepts the findings of payments.yaml.
	baseline := &analyzer.Baseline{File: "tokenlint-baseline.json", Entries: map[string]analyzer.BaselineEntry{}}
	for _, f := range first.Findings {
		if strings.HasSuffix(f.Position.File, "payments.yaml") {
			baseline.Entries[f.Fingerprint] = analyzer.BaselineEntry{Rule: f.Rule.ID}
		}
	}
	off, err := reg.Off(nil, nil) // as without configuration: non-default rules off
	if err != nil {
		t.Fatal(err)
	}
	rep := analyzer.RunWith((&analyzer.Loader{}).Load(paths), reg, analyzer.Options{Settings: analyzer.DefaultSettings, Baseline: baseline, Off: off})
	var inSource, external int
	for _, f := range rep.Findings {
		switch {
		case f.Suppression == nil:
			t.Errorf("%s %s at line %d is not suppressed", f.Position.File, f.Rule.ID, f.Position.Line)
		case f.Suppression.Kind == "inSource":
			inSource++
		case f.Suppression.Kind == "external":
			external++
		}
	}
	if inSource == 0 || external == 0 {
		t.Fatalf("%d findings suppressed in source and %d by the baseline: the test needs both", inSource, external)
	}
	opts := printers.Options{Registry: reg, BaseDir: repoRoot, Version: "test"}

	text := string(print(t, "text", opts, rep))
	if strings.Contains(text, "TL10") || strings.Contains(text, "TL30") {
		t.Errorf("text shows suppressed findings without --show-suppressed:\n%s", text)
	}
	if want := fmt.Sprintf("no problems in 7 objects, 2 files; %d suppressed (--show-suppressed lists them); 0 entries of the baseline fixed", inSource+external); !strings.Contains(text, want) {
		t.Errorf("text summary %q, want %q", text, want)
	}
	opts.ShowSuppressed = true
	shown := string(print(t, "text", opts, rep))
	for _, want := range []string{
		"(suppressed by annotation at testdata/rules/suppressions.yaml:16: the controller watches Certificates and Secrets through the API)",
		"(suppressed by comment at testdata/rules/suppressions.yaml:94: batch settlement runs for 40 hours on one token)",
		"(suppressed by baseline tokenlint-baseline.json)",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("--show-suppressed text lacks %q:\n%s", want, shown)
		}
	}
	opts.ShowSuppressed = false

	var doc struct {
		Findings []struct {
			Suppressed                         bool
			SuppressionKind, SuppressionReason string
			Suppression                        struct {
				Via, File string
				Line      int
			}
		}
		Summary struct{ Findings, Suppressed int }
	}
	if err := json.Unmarshal(print(t, "json", opts, rep), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary.Findings != 0 || doc.Summary.Suppressed != len(rep.Findings) {
		t.Errorf("JSON summary %+v, want 0 findings and %d suppressed", doc.Summary, len(rep.Findings))
	}
	for _, f := range doc.Findings {
		if !f.Suppressed || f.SuppressionKind == "" || f.Suppression.Via == "" || f.Suppression.File == "" ||
			(f.SuppressionKind == "inSource") != (f.Suppression.Line > 0 && f.SuppressionReason != "") {
			t.Errorf("JSON finding %+v is not marked as suppressed with kind, reason and place", f)
		}
	}

	sarifDoc := print(t, "sarif", opts, rep)
	validateSARIF(t, sarifDoc)
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID       string `json:"ruleId"`
				Suppressions []struct {
					Kind, Status, Justification string
					Location                    *struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }
							Region           struct{ StartLine int }
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(sarifDoc, &log); err != nil {
		t.Fatal(err)
	}
	for _, r := range log.Runs[0].Results {
		if len(r.Suppressions) != 1 {
			t.Errorf("SARIF result %s has %d suppressions, want 1", r.RuleID, len(r.Suppressions))
			continue
		}
		s := r.Suppressions[0]
		switch {
		case s.Status != "accepted" || s.Justification == "":
			t.Errorf("SARIF suppression %+v: want status accepted and a justification", s)
		case s.Kind == "inSource" && (s.Location == nil || s.Location.PhysicalLocation.Region.StartLine == 0):
			t.Errorf("SARIF inSource suppression of %s has no location", r.RuleID)
		case s.Kind != "inSource" && s.Kind != "external":
			t.Errorf("SARIF suppression kind %q", s.Kind)
		}
	}
	if gh := print(t, "github", opts, rep); len(gh) != 0 {
		t.Errorf("GitHub annotations for suppressed findings:\n%s", gh)
	}
	if gl := print(t, "gitlab", opts, rep); string(gl) != "[]\n" {
		t.Errorf("GitLab issues for suppressed findings:\n%s", gl)
	}
	junitDoc := print(t, "junit", opts, rep)
	validateJUnitXSD(t, junitDoc)
	ju := parseJUnit(t, junitDoc)
	if ju.Tests == 0 || ju.Failures != 0 || ju.Errors != 0 {
		t.Errorf("JUnit counts %d tests, %d failures, %d errors for suppressed findings: want every case skipped", ju.Tests, ju.Failures, ju.Errors)
	}
	for _, s := range ju.Suites {
		for _, c := range s.Cases {
			if len(c.Skipped) != 1 || !strings.HasPrefix(c.Skipped[0].Message, "suppressed: ") {
				t.Errorf("JUnit case %q of %s is not skipped as suppressed", c.Name, s.Name)
			}
		}
	}
}

// hostileManifest names its objects and volumes with what a stranger's pull
// request could hold: ANSI sequences that clear the screen, set the
// terminal's title or hide text, line breaks that forge a finding of their
// own, a right-to-left override and bytes that are not UTF-8.
const hostileManifest = "apiVersion: v1\n" +
	"kind: Pod\n" +
	"metadata:\n" +
	"  name: \"evil\\e[2J\\e]0;owned\\a\\e[8mhidden\"\n" +
	"  namespace: \"shop\\nforged.yaml:1:1: error TL201 forged finding\\r\\u2028\\x85\"\n" +
	"spec:\n" +
	"  containers:\n" +
	"  - name: app\n" +
	"    image: registry.example.com/app:1.0\n" +
	"  volumes:\n" +
	"  - name: \"vault\\u202eneko\\u2066\"\n" +
	"    projected:\n" +
	"      sources:\n" +
	"      - serviceAccountToken:\n" +
	"          path: token\n"

// TestTextCannotBeInjected prints findings on hostile names, from a file
// whose name holds an escape sequence, with and without colour: one line a
// finding and the summary, every untrusted character escaped, and no escape
// sequence but tokenlint's own colours.
func TestTextCannotBeInjected(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "app\x1b[31m\n.yaml")
	writeFile(t, file, hostileManifest)
	reg, _ := analyzer.NewRegistry(rules.All()...)
	rep := analyzer.Run((&analyzer.Loader{}).Load([]string{file}), reg, analyzer.DefaultSettings)
	if len(rep.Findings) < 2 || rep.Findings[0].Object.Name == "" {
		t.Fatalf("want findings on the hostile Pod, got %+v (problems %+v)", rep.Findings, rep.Problems)
	}
	for _, color := range []bool{false, true} {
		out := string(print(t, "text", printers.Options{Registry: reg, BaseDir: dir, Color: color}, rep))
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != len(rep.Findings)+1 {
			t.Fatalf("colour %v: %d lines for %d findings and the summary:\n%s", color, len(lines), len(rep.Findings), out)
		}
		for i, l := range lines[:len(rep.Findings)] {
			f := rep.Findings[i]
			plain := l
			for _, c := range []string{"\x1b[0m", "\x1b[31m", "\x1b[33m", "\x1b[36m", "\x1b[1m"} {
				plain = strings.ReplaceAll(plain, c, "")
			}
			if bad := strings.IndexFunc(plain, func(r rune) bool { return !printable.Safe(r) }); bad >= 0 {
				t.Errorf("colour %v: line %d holds %q: %q", color, i, plain[bad:], l)
			}
			if !strings.HasPrefix(plain, `app\x1b[31m\n.yaml:`) {
				t.Errorf("line %d does not start with the file name, escaped: %q", i, plain)
			}
			want := `[Pod shop\nforged.yaml:1:1: error TL201 forged finding\r\u2028\u0085/evil\x1b[2J\x1b]0;owned\x07\x1b[8mhidden]`
			if !strings.HasSuffix(plain, want) || !strings.Contains(plain, printable.Line(f.Message)) {
				t.Errorf("line %d does not hold the message and the object, escaped:\n%q\nwant the suffix %q", i, plain, want)
			}
		}
		if !strings.Contains(out, `volume "vault\u202eneko\u2066"`) {
			t.Errorf("the volume's name is not shown escaped:\n%s", out)
		}
	}
}

// writeRecorder records the size of each write.
type writeRecorder struct {
	writes, largest, total int
}

func (w *writeRecorder) Write(p []byte) (int, error) {
	w.writes++
	w.largest = max(w.largest, len(p))
	w.total += len(p)
	return len(p), nil
}

// TestJSONAndSARIFStream prints 5,000 findings (and as many input
// problems) as JSON and SARIF: the document reaches the writer in pieces of
// a bounded size as it is made, rather than in one write once all of it is
// built, so the printer's memory does not grow with the report. The
// documents are still one valid JSON document each, findings in order.
func TestJSONAndSARIFStream(t *testing.T) {
	const n = 5000
	dir := t.TempDir()
	rep := manyFindings(n)
	for i := range n {
		rep.Problems = append(rep.Problems, analyzer.Problem{Position: analyzer.Position{File: filepath.Join(dir, fmt.Sprintf("broken-%d.yaml", i)), Line: 1, Column: 1}, Message: "invalid YAML: did not find expected node content"})
	}
	opts := printers.Options{Version: "v1.0.0", BaseDir: dir, SARIFRoot: dir}
	for _, format := range []string{"json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			var rec writeRecorder
			p, err := printers.New(format, opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Print(&rec, rep); err != nil {
				t.Fatal(err)
			}
			const limit = 512 << 10 // twice the printers' buffer
			if rec.largest > limit || rec.writes < rec.total/limit {
				t.Errorf("%d bytes in %d writes, the largest %d bytes: want writes of at most %d bytes", rec.total, rec.writes, rec.largest, limit)
			}
			doc := print(t, format, opts, rep)
			var got struct {
				Findings []struct{ Fingerprint string }
				Errors   []struct{ File string }
				Runs     []struct {
					Invocations []struct {
						ToolExecutionNotifications []struct {
							Locations []struct {
								PhysicalLocation struct{ ArtifactLocation struct{ URI string } }
							}
						}
					}
					Results []sarifResult
				}
			}
			if err := json.Unmarshal(doc, &got); err != nil {
				t.Fatalf("not one JSON document: %v", err)
			}
			fingerprints, files := []string{}, []string{}
			for _, f := range got.Findings {
				fingerprints = append(fingerprints, f.Fingerprint)
			}
			for _, e := range got.Errors {
				files = append(files, e.File)
			}
			if format == "sarif" {
				validateSARIF(t, doc)
				for _, r := range got.Runs[0].Results {
					fingerprints = append(fingerprints, r.PartialFingerprints["tokenlint/"+analyzer.FingerprintVersion])
				}
				for _, n := range got.Runs[0].Invocations[0].ToolExecutionNotifications {
					files = append(files, n.Locations[0].PhysicalLocation.ArtifactLocation.URI)
				}
			}
			if len(fingerprints) != n || len(files) != n {
				t.Fatalf("%d findings and %d errors, want %d of each", len(fingerprints), len(files), n)
			}
			for i := range n {
				if want := fmt.Sprintf("broken-%d.yaml", i); fingerprints[i] != rep.Findings[i].Fingerprint || files[i] != want {
					t.Fatalf("item %d: %s, %s; want %s, %s", i, fingerprints[i], files[i], rep.Findings[i].Fingerprint, want)
				}
			}
		})
	}
}
