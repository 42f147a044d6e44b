package printers

import (
	"encoding/json"
	"io"

	"github.com/tokenlint/tokenlint/analyzer"
)

// JSON writes one document holding every finding, every input error and a
// summary. Its shape is documented in the README and kept stable: fields are
// only ever added.
type JSON struct{ opts Options }

type jsonReport struct {
	Tool     jsonTool      `json:"tool"`
	Findings []jsonFinding `json:"findings"`
	Errors   []jsonError   `json:"errors"`
	Summary  jsonSummary   `json:"summary"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonFinding struct {
	RuleID            string       `json:"ruleId"`
	Slug              string       `json:"slug"`
	Severity          string       `json:"severity"`
	Message           string       `json:"message"`
	File              string       `json:"file"`
	Line              int          `json:"line"`
	Column            int          `json:"column"`
	EndLine           int          `json:"endLine"`
	EndColumn         int          `json:"endColumn"`
	Template          string       `json:"template,omitempty"`
	Object            analyzer.Ref `json:"object"`
	Path              string       `json:"path"`
	Fingerprint       string       `json:"fingerprint"`
	Suppressed        bool         `json:"suppressed"`
	SuppressionKind   string       `json:"suppressionKind,omitempty"`
	SuppressionReason string       `json:"suppressionReason,omitempty"`
	Suppression       *jsonSuppr   `json:"suppression,omitempty"`
	// Placement is "template" for a finding of a chart placed on the
	// template text that wrote it (file, line and column are the
	// template's; rendered is the position in the rendered stream), and
	// "rendered" for one the chart's source map could not place (file,
	// line and column count lines of the rendered stream). Empty for
	// other findings.
	Placement string      `json:"placement,omitempty"`
	Rendered  *jsonPlace  `json:"rendered,omitempty"`
	Related   []jsonPlace `json:"related,omitempty"`
}

// jsonPlace is a position, and for a related place what it is.
type jsonPlace struct {
	File      string `json:"file"`
	Line      int    `json:"line,omitempty"`
	Column    int    `json:"column,omitempty"`
	EndLine   int    `json:"endLine,omitempty"`
	EndColumn int    `json:"endColumn,omitempty"`
	Message   string `json:"message,omitempty"`
}

// jsonSuppr is where a suppression is written.
type jsonSuppr struct {
	Via    string `json:"via"`
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

type jsonError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type jsonSummary struct {
	Files    int `json:"files"`
	Objects  int `json:"objects"`
	Findings int `json:"findings"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Notes    int `json:"notes"`
	// InputErrors counts the entries of "errors".
	InputErrors int `json:"inputErrors"`
	// Suppressed counts the suppressed findings, which the counts above
	// leave out.
	Suppressed int `json:"suppressed"`
	// BaselineFixed counts the baseline's entries that match no finding.
	// (only with a baseline).
	BaselineFixed *int `json:"baselineFixed,omitempty"`
	// Unchanged counts findings left out by --new-from-rev.
	Unchanged int `json:"unchanged,omitempty"`
}

// Print writes the report, one finding and one error at a time (see
// writeStreamed).
func (p *JSON) Print(w io.Writer, rep *analyzer.Report) error {
	out := jsonReport{
		Tool:     jsonTool{Name: "tokenlint", Version: p.opts.Version},
		Findings: []jsonFinding{},
		Errors:   []jsonError{},
	}
	c := countFindings(rep.Findings)
	out.Summary = jsonSummary{Files: rep.Files, Objects: rep.Objects, Findings: c.findings(),
		Errors: c.errors, Warnings: c.warnings, Notes: c.notes, InputErrors: len(rep.Problems),
		Suppressed: c.suppressed, Unchanged: rep.Unchanged}
	if rep.Baseline != "" {
		out.Summary.BaselineFixed = &rep.BaselineFixed
	}
	envelope, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return writeStreamed(w, append(envelope, '\n'),
		streamedArray{key: "findings", n: len(rep.Findings), item: func(i int) ([]byte, error) {
			return json.Marshal(p.finding(rep.Findings[i]))
		}},
		streamedArray{key: "errors", n: len(rep.Problems), item: func(i int) ([]byte, error) {
			e := rep.Problems[i]
			return json.Marshal(jsonError{File: p.opts.relPath(e.Position.File), Line: e.Position.Line, Column: e.Position.Column, Message: e.Message})
		}})
}

func (p *JSON) finding(f analyzer.Finding) jsonFinding {
	jf := jsonFinding{
		RuleID: f.Rule.ID, Slug: f.Rule.Slug, Severity: f.Severity.String(), Message: f.Message,
		File: p.opts.relPath(f.Position.File), Line: f.Position.Line, Column: f.Position.Column,
		EndLine: f.Position.EndLine, EndColumn: f.Position.EndColumn, Template: f.Source,
		Object: f.Object, Path: f.Path, Fingerprint: f.Fingerprint,
	}
	switch pl := placeOf(f.Position, f.Source); {
	case f.Generated != nil && f.Source != "":
		jf.Placement = "template"
	case pl.chart:
		jf.Placement = "rendered"
	}
	if g := f.Generated; g != nil {
		jf.Rendered = &jsonPlace{File: p.opts.relPath(g.File), Line: g.Line, Column: g.Column, EndLine: g.EndLine, EndColumn: g.EndColumn}
	}
	for _, r := range f.Related {
		jf.Related = append(jf.Related, jsonPlace{File: p.opts.relPath(r.Position.File), Line: r.Position.Line, Column: r.Position.Column,
			EndLine: r.Position.EndLine, EndColumn: r.Position.EndColumn, Message: r.Message})
	}
	if s := f.Suppression; s != nil {
		jf.Suppressed, jf.SuppressionKind, jf.SuppressionReason = true, s.Kind, s.Reason
		jf.Suppression = &jsonSuppr{Via: s.Via, File: p.opts.relPath(s.Position.File), Line: s.Position.Line, Column: s.Position.Column}
	}
	return jf
}
