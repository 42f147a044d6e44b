package printers

// How GitLab reads what this printer writes, a job's
// artifacts:reports:codequality file (from GitLab's "Code Quality" page,
// "Implement a custom tool", and its parser, lib/gitlab/ci/parsers/
// codequality/code_climate.rb and lib/gitlab/ci/reports/codequality_*.rb):
//
// The report is a JSON array of Code Climate issues, with no byte order
// mark. GitLab validates each issue against its own schema
// (app/validators/json_schemas/codeclimate.json: description, fingerprint,
// severity and location are required) and stops reading the report at the
// first issue that fails it, so one bad entry hides every later one.
//
// It reads description, check_name, fingerprint, severity (info, minor,
// major, critical or blocker; it sorts by them), location.path (relative to
// the repository root: it links to the file at the pipeline's commit) and
// location.lines.begin or location.positions.begin.line (the line it links
// to and marks in the merge request's diff). Issues are keyed by
// fingerprint: two issues with one fingerprint show as one, and the merge
// request widget compares the fingerprints of the source and target
// branches' reports to say which findings are new and which were fixed. The
// diff view also reads content.body (rendered as Markdown), categories,
// engine_name and type; one version of it renders content.body without
// checking that content is there, so every issue has one. The rest of the
// Code Climate specification is ignored.

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/internal/printable"
)

// GitLab writes a GitLab Code Quality report.
type GitLab struct{ opts Options }

type gitlabIssue struct {
	Type        string         `json:"type"`
	CheckName   string         `json:"check_name"`
	Description string         `json:"description"`
	Content     gitlabContent  `json:"content"`
	Categories  []string       `json:"categories"`
	Location    gitlabLocation `json:"location"`
	Severity    string         `json:"severity"`
	Fingerprint string         `json:"fingerprint"`
	EngineName  string         `json:"engine_name"`
}

type gitlabContent struct {
	Body string `json:"body"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
	End   int `json:"end"`
}

// Print writes the report: one issue a finding that counts, in report
// order.
//
// Suppressed findings are left out: GitLab has no notion of an accepted
// issue, and would show them as open. Input errors are there, as TL001
// issues on their file. The finding's fingerprint is the issue's, so an
// issue keeps its identity while lines move above it, as in SARIF. Error,
// warning and note are critical, major and minor (blocker and info are left
// for nothing tokenlint reports: an error is serious, but the rule's own
// severity, as configured, is what tokenlint knows). A problem with a whole
// file, and a chart's finding its source map could not place on a template
// (on the chart as a whole, see placeOf), is on its first line, since
// GitLab needs one. A Code Climate description is
// one line: it goes through printable.Line, as a text line does, so line
// breaks, control characters and bidirectional overrides from a manifest
// show escaped (\n, \x1b, \u202e).
func (p *GitLab) Print(w io.Writer, rep *analyzer.Report) error {
	issues := make([]gitlabIssue, 0, len(rep.Findings))
	for _, f := range rep.Findings {
		if !f.Counts() {
			continue
		}
		pl := placeOf(f.Position, f.Source)
		begin, end := 1, 1
		if pos := pl.pos; pos.Line > 0 {
			begin, end = pos.Line, max(pos.Line, pos.EndLine)
		}
		category := "Security"
		if f.Rule.IsFramework() {
			category = "Bug Risk"
		}
		// GitLab drops the rest of the report at an issue with an empty
		// description or path: a policy may report an empty message.
		check := printable.Line(f.Rule.ID + " " + f.Rule.Slug)
		description := cmp.Or(printable.Line(findingMessage(f, pl)), check)
		issues = append(issues, gitlabIssue{
			Type:        "issue",
			CheckName:   check,
			Description: description,
			Content:     gitlabContent{Body: gitlabBody(f.Rule)},
			Categories:  []string{category},
			Location:    gitlabLocation{Path: cmp.Or(p.opts.rootPath(pl.file), "."), Lines: gitlabLines{Begin: begin, End: end}},
			Severity:    gitlabSeverity(f.Severity),
			Fingerprint: f.Fingerprint,
			EngineName:  "tokenlint",
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(issues)
}

func gitlabSeverity(s analyzer.Severity) string {
	switch s {
	case analyzer.SeverityError:
		return "critical"
	case analyzer.SeverityWarning:
		return "major"
	}
	return "minor"
}

// gitlabBody is the rule's help for the merge request's diff view: its
// title, the remediation and a link to its documentation, in Markdown.
// Nothing in it comes from the manifests; a user policy's title and
// remediation are escaped as a description is.
func gitlabBody(r *analyzer.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s %s**: %s", printable.Line(r.ID), printable.Line(r.Slug), printable.Line(r.Title))
	if r.Remediation != "" {
		b.WriteString("\n\n" + printable.Line(r.Remediation))
	}
	if uri := ruleHelpURI(r); uri != "" {
		fmt.Fprintf(&b, "\n\n[Documentation](%s)", printable.Line(uri))
	}
	return b.String()
}
