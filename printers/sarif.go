package printers

// How GitHub code scanning shows what this printer writes, once uploaded with
// github/codeql-action/upload-sarif (from GitHub's "SARIF support for code
// scanning" page, the upload action's source, and staticcheck's notes in
// lintcmd/sarif.go):
//
// Alerts. An alert's title is the rule's shortDescription (our Title); the
// fullDescription is shown under it on one line, and the rule ID beside it.
// The result's message.text is shown at the flagged line: Markdown in it is
// stripped except links, leading whitespace is dropped, and message.markdown
// is ignored, so messages stay one plain line. We found no page that shows
// the rule's name; we give it the PascalCase "friendly name" SARIF suggests
// (the Multitool's SARIF2012) and keep the slug in the help and help URI.
//
// Rule help. help.markdown (help.text when there is none) is what "Show
// more" opens on an alert. It is rendered like an issue comment, so a line
// break is a hard break: our descriptions are single lines, and examples go
// in ```yaml blocks. helpUri, informationUri and the tool version are not
// shown.
//
// Severity. For a rule tagged "security" with a properties.security-severity,
// GitHub shows a security severity: 9.0 and
// above critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low. With
// none (or 0.0) it shows the result's level: error, warning or note. We tag
// "security" exactly the rules we score, so GitHub ranks every security
// alert; the framework rules, which we do not score, are not tagged. The
// pull request check fails on either, by repository settings. Results of
// equal severity are ordered by properties.precision, highest first; tags
// (at most 20 a rule) filter the alert list.
//
// Locations. Only the first entry of locations is used, and at least one is
// needed for an alert to show. artifactLocation.uri should be relative to the
// repository root (uriBaseId %SRCROOT%); an absolute file:// URI outside the
// checkout is accepted but shows no code. Without a region the alert is on
// the file as a whole. relatedLocations show only when the message links to
// them. A chart's finding placed on a template has its region there, and
// keeps the rendered position (id 1, on the chart directory) and the related
// places (the values key, the including templates) as relatedLocations; the
// message names the related places in words, since GitHub shows no
// unlinked related location.
//
// Fingerprints. GitHub matches a result to an existing alert by tool, ruleId,
// file and partialFingerprints. upload-sarif adds a primaryLocationLineHash
// (a hash of the flagged line's text and its neighbours) beside ours when the
// region has a line. Our tokenlint/v1 entry holds no line number, so an alert
// survives lines moving above it.
//
// Other. GitHub keeps at most 25,000 results a run and shows the 5,000 most
// severe. toolExecutionNotifications never become alerts, which is why input
// errors are results of TL001 as well.
//
// Suppressions. A suppressed finding is a result with suppressions: kind
// "inSource" (a comment or an annotation) with its justification and
// location, or "external" (the baseline), status "accepted". GitHub's SARIF
// documentation does not say that code scanning reads suppressions; the
// advanced-security/dismiss-alerts action exists to dismiss the alerts of
// suppressed results after an upload, and the Multitool's GitHub rules
// accept them.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/tokenlint/tokenlint/analyzer"
)

const (
	sarifInformationURI = "https://github.com/tokenlint/tokenlint"
	// sarifHelpBase is the README's rule reference; each rule has a heading
	// "### TL101 projected-token-missing-audience", whose GitHub anchor is
	// "tl101-projected-token-missing-audience".
	sarifHelpBase = "https://github.com/tokenlint/tokenlint/blob/main/README.md#"
	// sarifRootID is the uriBaseId of every artifact under the SARIF root.
	sarifRootID = "%SRCROOT%"
	// sarifFingerprintKey names our partialFingerprints entry. Bump the
	// version if what goes into the hash changes: GitHub would otherwise
	// close every alert and open it again under a new fingerprint.
	sarifFingerprintKey = "tokenlint/" + analyzer.FingerprintVersion
)

// sarifRuleRank is what GitHub ranks a rule's alerts by. security-severity
// is a CVSS-like score (a string, as GitHub requires):
//
//	rule   score  GitHub  why
//	TL201  8.0    high    a legacy token Secret: a bearer token that never expires
//	TL203  8.0    high    a workload consuming such a never-expiring token
//	TL302  7.0    high    a rotated token copied or read once: the program keeps a token the kubelet has replaced
//	TL101  6.5    medium  a token without audience is replayable against the API server
//	TL202  6.0    medium  a ServiceAccount keeps a legacy token Secret referenced
//	TL103  5.5    medium  a long-lived projected token widens the window for a stolen one
//	TL104  5.0    medium  a token for an audience nobody vetted: a recipient the platform does not know
//	TL301  5.0    medium  an automounted token the workload may not need
//	TL102  2.0    low     too short an expiration: the API server rejects it, so it never deploys
//	TL001  none           invalid input is not a vulnerability (GitHub shows the level instead)
//	TL002  none           a malformed suppression is not a vulnerability
//	TL003  none           nor is a suppression that suppresses nothing
//
// Rules missing from the table (user Rego policies, rules added later) are
// scored by their default severity: error 7.0, warning 5.0, note 2.0.
//
// precision is "very-high" for rules that decide from the manifest alone
// with no guessing, which is all of them except TL202 (it recognises token
// Secrets it was not given by their generated name) and TL302 (it reads
// shell command lines), which are "high". User policies are "high": we
// cannot vouch for them.
var sarifRuleRank = map[string]struct{ securitySeverity, precision string }{
	"TL001": {"", "very-high"},
	"TL002": {"", "very-high"},
	"TL003": {"", "very-high"},
	"TL101": {"6.5", "very-high"},
	"TL102": {"2.0", "very-high"},
	"TL103": {"5.5", "very-high"},
	"TL104": {"5.0", "very-high"},
	"TL201": {"8.0", "very-high"},
	"TL202": {"6.0", "high"},
	"TL203": {"8.0", "very-high"},
	"TL301": {"5.0", "very-high"},
	"TL302": {"7.0", "high"},
}

func sarifRank(r *analyzer.Rule) (securitySeverity, precision string) {
	if rank, ok := sarifRuleRank[r.ID]; ok {
		return rank.securitySeverity, rank.precision
	}
	switch r.Severity {
	case analyzer.SeverityError:
		return "7.0", "high"
	case analyzer.SeverityWarning:
		return "5.0", "high"
	}
	return "2.0", "high"
}

// SARIF writes SARIF 2.1.0 for GitHub code scanning: one run with the whole
// rule catalog, one result per finding, and the input errors again as tool
// execution notifications.
//
// Artifact URIs are relative to Options.SARIFRoot (%SRCROOT%, whose file URI
// is given in originalUriBaseIds). A file outside the root is an absolute
// file:// URI; standard input is the relative URI "%3Cstdin%3E" (the name
// "<stdin>" other formats print) with no base. A finding in a Helm chart
// directory is placed on its template file as a whole, since its line counts
// lines of the rendered stream; the message says which rendered line.
//
// The message is the finding's, then the object and, for Helm output, the
// template, as in the text format.
type SARIF struct{ opts Options }

// Print writes the report: the log without its results and notifications
// (the catalog, the invocation), built with go-sarif, then the results and
// the invocation's notifications one at a time, each built and marshalled
// alone (see writeStreamed), so memory does not grow with the report.
func (p *SARIF) Print(w io.Writer, rep *analyzer.Report) error {
	log, loc, index, err := p.envelope(rep)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(log)
	if err != nil {
		return err
	}
	// The arrays to fill stay in the envelope, empty.
	keep := map[string]bool{"results": true}
	if len(rep.Problems) > 0 {
		keep["toolExecutionNotifications"] = true
	}
	raw, err = pruneSARIF(raw, keep)
	if err != nil {
		return err
	}
	var envelope bytes.Buffer
	if err := json.Indent(&envelope, raw, "", "  "); err != nil {
		return err
	}
	envelope.WriteByte('\n')
	notifications := streamedArray{key: "toolExecutionNotifications", n: len(rep.Problems), item: func(i int) ([]byte, error) {
		prob := rep.Problems[i]
		n := sarif.NewNotification().
			WithLevel(sarif.LevelError).
			WithMessage(sarif.NewTextMessage(prob.Message))
		n.AddLocation(loc.location(placeOf(prob.Position, "")))
		return marshalSARIF(n)
	}}
	results := streamedArray{key: "results", n: len(rep.Findings), item: func(i int) ([]byte, error) {
		return marshalSARIF(p.result(rep.Findings[i], loc, index))
	}}
	if len(rep.Problems) == 0 {
		return writeStreamed(w, envelope.Bytes(), results)
	}
	// go-sarif writes a run's invocations before its results.
	return writeStreamed(w, envelope.Bytes(), notifications, results)
}

// marshalSARIF marshals a part of the log as the whole log is: pruned.
func marshalSARIF(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return pruneSARIF(raw, nil)
}

// envelope is the log without results and notifications: one run with the
// whole catalog, and the rule index of each rule.
func (p *SARIF) envelope(rep *analyzer.Report) (*sarif.Report, sarifLocator, map[*analyzer.Rule]int, error) {
	root := p.opts.SARIFRoot
	if root == "" {
		root = p.opts.BaseDir
	}
	if root == "" {
		root = "."
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, sarifLocator{}, nil, err
	}
	loc := sarifLocator{root: root}

	run := sarif.NewRunWithInformationURI("tokenlint", sarifInformationURI)
	run.NewlineSequences = nil
	run.WithColumnKind("unicodeCodePoints") // analyzer.Position counts characters
	driver := run.Tool.Driver
	driver.WithVersion(sarifVersion(p.opts.Version))
	if v := *driver.Version; semverLike(v) {
		driver.WithSemanticVersion(v)
	}
	driver.Contents = nil
	driver.IsComprehensive = true
	run.WithOriginalUriBaseIds(map[string]sarif.ArtifactLocation{
		sarifRootID: *sarif.NewArtifactLocation().WithURI(fileURI(root) + "/"),
	})

	index := map[*analyzer.Rule]int{}
	addRule := func(r *analyzer.Rule) {
		if _, ok := index[r]; ok {
			return
		}
		index[r] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule(r))
	}
	if p.opts.Registry != nil {
		for _, r := range p.opts.Registry.Rules() {
			addRule(r)
		}
	}
	// A finding of a rule the catalog lacks still needs a rule to point at.
	for _, f := range rep.Findings {
		addRule(f.Rule)
	}

	inv := sarif.NewInvocation().WithExecutionSuccessful(len(rep.Problems) == 0)
	inv.ToolExecutionNotifications = []*sarif.Notification{}
	run.AddInvocation(inv)
	run.Results = []*sarif.Result{}
	return sarif.NewReport().AddRun(run), loc, index, nil
}

// result is the SARIF result of a finding.
func (p *SARIF) result(f analyzer.Finding, loc sarifLocator, index map[*analyzer.Rule]int) *sarif.Result {
	pl := placeOf(f.Position, f.Source)
	result := sarif.NewRuleResult(f.Rule.ID).
		WithRuleIndex(index[f.Rule]).
		WithLevel(sarifLevel(f.Severity)).
		WithMessage(sarif.NewTextMessage(findingMessage(f, pl)))
	location := loc.location(pl)
	if f.Object.Kind != "" {
		location.AddLogicalLocation(sarifObject(f.Object))
	}
	result.AddLocation(location)
	// A finding placed where its text was written (a chart's template)
	// keeps the generated position, and the places related to it, as
	// related locations.
	if g := f.Generated; g != nil {
		what := "generated output" // a kustomize build
		if f.Source != "" {
			what = "rendered output" // a Helm chart
		}
		rl := loc.location(place{file: g.File, pos: *g}).WithID(1).
			WithMessage(sarif.NewTextMessage(fmt.Sprintf("%s: line %d, column %d", what, g.Line, g.Column)))
		result.AddRelatedLocation(rl)
	}
	for i, r := range f.Related {
		rl := loc.location(place{file: r.Position.File, pos: r.Position}).WithID(i + 2).
			WithMessage(sarif.NewTextMessage(r.Message))
		result.AddRelatedLocation(rl)
	}
	if f.Fingerprint != "" {
		result.WithPartialFingerprints(map[string]string{sarifFingerprintKey: f.Fingerprint})
	}
	if s := f.Suppression; s != nil {
		sup := sarif.NewSuppression().WithKind(s.Kind).WithStatus("accepted").WithJustification(p.opts.suppressedBy(s))
		if s.Kind == "inSource" {
			sup.WithJustification(s.Reason).WithLocation(loc.location(placeOf(s.Position, f.Source)))
		}
		result.AddSuppression(sup)
	}
	props := sarif.NewPropertyBag()
	if f.Path != "" {
		props.Add("path", f.Path)
	}
	if f.Source != "" {
		props.Add("template", f.Source)
	}
	if f.Object.Kind != "" {
		props.Add("object", f.Object)
	}
	result.WithProperties(props)
	return result
}

func sarifLevel(s analyzer.Severity) string {
	switch s {
	case analyzer.SeverityError:
		return sarif.LevelError
	case analyzer.SeverityWarning:
		return sarif.LevelWarning
	}
	return sarif.LevelNote
}

// sarifRule is the catalog entry of a rule.
func sarifRule(r *analyzer.Rule) *sarif.ReportingDescriptor {
	helpURI := ruleHelpURI(r)
	text, markdown := ruleHelp(r, helpURI)
	rd := sarif.NewRule(r.ID).
		WithName(pascalCase(r.Slug)).
		WithShortDescription(sarif.NewMultiformatMessageString().WithText(r.Title)).
		WithFullDescription(sarif.NewMultiformatMessageString().
			WithText(strings.TrimSpace(r.Description)).
			WithMarkdown(strings.TrimSpace(r.Description))).
		WithHelp(sarif.NewMultiformatMessageString().WithText(text).WithMarkdown(markdown)).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(r.Severity)))
	rd.DeprecatedGuids, rd.DeprecatedIds, rd.DeprecatedNames = nil, nil, nil
	if helpURI != "" {
		rd.WithHelpURI(helpURI)
	}

	// GitHub ranks a security alert by its security-severity: a rule is
	// tagged "security" exactly when it has one.
	secSev, precision := sarifRank(r)
	tags := slices.Clone(r.Tags)
	switch {
	case secSev == "":
		tags = slices.DeleteFunc(tags, func(t string) bool { return t == "security" })
	case !slices.Contains(tags, "security"):
		tags = append(tags, "security")
	}
	props := sarif.NewPropertyBag().WithTags(tags)
	props.Add("precision", precision)
	if secSev != "" {
		props.Add("security-severity", secSev)
	}
	rd.WithProperties(props)
	return rd
}

// ruleHelpURI is where a rule is documented: its own URL if it has one, the
// README's rule reference for a built-in rule (a Go rule has no origin, a
// built-in policy "rego"), and nowhere for a user policy without a URL.
func ruleHelpURI(r *analyzer.Rule) string {
	switch {
	case r.URL != "":
		return r.URL
	case r.Origin == "" || r.Origin == "go" || r.Origin == "rego":
		return sarifHelpBase + strings.ToLower(r.ID) + "-" + r.Slug
	}
	return ""
}

// ruleHelp is a rule's documentation as plain text and as Markdown: what
// it finds and why, how to fix it, an example it reports and that example
// fixed.
func ruleHelp(r *analyzer.Rule, helpURI string) (text, markdown string) {
	var t, m strings.Builder
	desc := strings.TrimSpace(r.Description)
	t.WriteString(desc + "\n")
	m.WriteString(desc + "\n")
	if r.Remediation != "" {
		fmt.Fprintf(&t, "\nRemediation: %s\n", r.Remediation)
		fmt.Fprintf(&m, "\n## Remediation\n\n%s\n", r.Remediation)
	}
	for _, ex := range []struct{ title, yaml string }{{"With this .tokenlint.yaml", r.ExampleConfig}, {"Example", r.Example}, {"Fixed", r.Fixed}} {
		if strings.TrimSpace(ex.yaml) == "" {
			continue
		}
		y := strings.TrimRight(ex.yaml, "\n")
		fmt.Fprintf(&t, "\n%s:\n\n    %s\n", ex.title, strings.ReplaceAll(y, "\n", "\n    "))
		fmt.Fprintf(&m, "\n## %s\n\n```yaml\n%s\n```\n", ex.title, y)
	}
	if helpURI != "" {
		fmt.Fprintf(&t, "\nReference: %s\n", helpURI)
		fmt.Fprintf(&m, "\n[%s %s: documentation](%s)\n", r.ID, r.Slug, helpURI)
	}
	return t.String(), m.String()
}

// sarifObject is the logical location of a Kubernetes object:
// "Kind/namespace/name", or "Kind/name" when it has no namespace.
func sarifObject(ref analyzer.Ref) *sarif.LogicalLocation {
	fqn := ref.Kind + "/" + ref.Name
	if ref.Namespace != "" {
		fqn = ref.Kind + "/" + ref.Namespace + "/" + ref.Name
	}
	ll := sarif.NewLogicalLocation().WithKind("resource").WithFullyQualifiedName(fqn)
	if ref.Name != "" {
		ll.WithName(ref.Name)
	}
	return ll
}

// sarifLocator turns file names into artifact locations.
type sarifLocator struct{ root string }

// location is the physical location of a place: a region when it has a
// line, the file as a whole otherwise (SARIF has no line 0).
func (l sarifLocator) location(pl place) *sarif.Location {
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(l.artifact(pl.file))
	if pos := pl.pos; pos.Line > 0 {
		region := sarif.NewRegion().WithStartLine(pos.Line)
		if pos.Column > 0 {
			region.WithStartColumn(pos.Column)
		}
		if pos.EndLine >= pos.Line && pos.EndColumn > 0 {
			region.WithEndLine(pos.EndLine).WithEndColumn(pos.EndColumn)
		}
		phys.WithRegion(region)
	}
	return sarif.NewLocationWithPhysicalLocation(phys)
}

func (l sarifLocator) artifact(name string) *sarif.ArtifactLocation {
	al := sarif.NewArtifactLocation()
	if name == analyzer.StdinName {
		return al.WithURI(escapeURIPath(name))
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return al.WithURI(escapeURIPath(filepath.ToSlash(name)))
	}
	rel, err := filepath.Rel(l.root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return al.WithURI(fileURI(abs))
	}
	return al.WithURI(escapeURIPath(filepath.ToSlash(rel))).WithURIBaseID(sarifRootID)
}

// fileURI is the file:// URI of an absolute path, without a final slash.
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x is file:///C:/x
	}
	return strings.TrimSuffix((&url.URL{Scheme: "file", Path: p}).String(), "/")
}

// escapeURIPath percent-encodes each segment of a relative slash-separated
// path. A colon is escaped too, so that no segment reads as a scheme.
func escapeURIPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	return strings.Join(segs, "/")
}

// pascalCase turns a slug into the PascalCase rule name SARIF suggests:
// "projected-token-missing-audience" is "ProjectedTokenMissingAudience".
func pascalCase(slug string) string {
	var b strings.Builder
	for _, w := range strings.Split(slug, "-") {
		if w == "" {
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// sarifVersion is the tool version as SARIF consumers compare it, starting
// with a number: "v1.2.0" is "1.2.0", and a build without a release version
// ("dev") is "0.0.0-dev".
func sarifVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	if v != "" && v[0] >= '0' && v[0] <= '9' {
		return v
	}
	pre := strings.Map(func(r rune) rune {
		if r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '-'
	}, v)
	if pre == "" {
		pre = "dev"
	}
	return "0.0.0-" + pre
}

// semverLike reports whether v looks like MAJOR.MINOR.PATCH, optionally
// with a pre-release or build suffix.
func semverLike(v string) bool {
	core, _, _ := strings.Cut(v, "+")
	core, _, _ = strings.Cut(core, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}
