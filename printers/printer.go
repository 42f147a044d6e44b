// Package printers writes a report in one output format. Each format is one
// small file behind the Printer interface; all share Options.
package printers

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tokenlint/tokenlint/analyzer"
)

// Printer writes a report.
type Printer interface {
	Print(w io.Writer, rep *analyzer.Report) error
}

// Options are what printers share.
type Options struct {
	// Version is tokenlint's version, for formats that name the tool.
	Version string
	// BaseDir is the directory file names are made relative to.
	BaseDir string
	// Color turns on ANSI colours in the text format.
	Color bool
	// Registry is the rule catalog of the run.
	Registry *analyzer.Registry
	// SARIFRoot is the directory SARIF artifact URIs are relative to
	// (%SRCROOT%): the repository root. Empty means BaseDir.
	SARIFRoot string
	// ShowSuppressed makes the text format list suppressed findings too.
	ShowSuppressed bool
}

// Names lists the formats New knows.
func Names() []string { return []string{"text", "json", "sarif", "github", "gitlab", "junit"} }

// suppressedBy says what suppressed a finding, for people: "comment at
// deploy/web.yaml:12: the operator calls the API".
func (o Options) suppressedBy(s *analyzer.Suppression) string {
	where := o.relPath(s.Position.File)
	if s.Position.Line > 0 {
		where = fmt.Sprintf("%s:%d", where, s.Position.Line)
	}
	if s.Via == "baseline" {
		return "baseline " + where
	}
	return fmt.Sprintf("%s at %s: %s", s.Via, where, s.Reason)
}

// New returns the printer for a format name.
func New(name string, opts Options) (Printer, error) {
	switch name {
	case "text":
		return &Text{opts}, nil
	case "json":
		return &JSON{opts}, nil
	case "sarif":
		return &SARIF{opts}, nil
	case "github":
		return &GitHub{opts}, nil
	case "gitlab":
		return &GitLab{opts}, nil
	case "junit":
		return &JUnit{opts}, nil
	case "baseline":
		return &BaselineWriter{opts}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", name, strings.Join(Names(), ", "))
}

// relPath makes a file name relative to the base directory when it lies
// beneath it, and uses forward slashes.
func (o Options) relPath(name string) string {
	if name == "" || name == analyzer.StdinName || o.BaseDir == "" {
		return filepath.ToSlash(name)
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return filepath.ToSlash(name)
	}
	rel, err := filepath.Rel(o.BaseDir, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(name)
	}
	return filepath.ToSlash(rel)
}

// rootPath makes a file name relative to the repository root (SARIFRoot, or
// BaseDir without one), for formats read by a code host or a CI server.
func (o Options) rootPath(name string) string {
	if o.SARIFRoot != "" {
		o.BaseDir = o.SARIFRoot
	}
	return o.relPath(name)
}

// counts tallies the findings that count, by severity, and the suppressed
// ones.
type counts struct{ errors, warnings, notes, suppressed int }

func (c counts) findings() int { return c.errors + c.warnings + c.notes }

func countFindings(fs []analyzer.Finding) counts {
	var c counts
	for _, f := range fs {
		if !f.Counts() {
			c.suppressed++
			continue
		}
		switch f.Severity {
		case analyzer.SeverityError:
			c.errors++
		case analyzer.SeverityWarning:
			c.warnings++
		case analyzer.SeverityNote:
			c.notes++
		}
	}
	return c
}

// findingMessage is a finding's message for a code host, on one line: the
// rule's message, then the object and what the finding says about where it
// points (see notes), and where in the rendered chart when the place could
// not keep the position.
func findingMessage(f analyzer.Finding, pl place) string {
	msg := f.Message
	if ref := f.Object.String(); ref != "" {
		msg += " [" + ref + "]"
	}
	notes := notes(f, pl)
	if pl.rendered != "" {
		notes = append(notes, pl.rendered)
	}
	if len(notes) > 0 {
		msg += " (" + strings.Join(notes, "; ") + ")"
	}
	return msg
}

// unmappedNote is what a finding of a chart says when the chart's source
// map could not place it on a template.
const unmappedNote = "points at the rendered output: the template could not be mapped here"

// notes are what a finding says beside its position: for a finding placed
// on a template, the places related to it (the values key that set it, the
// template that included the helper); for a chart's finding left on the
// rendered output, its template and that it points at the rendered output;
// for `helm template` output read as a file, its template.
func notes(f analyzer.Finding, pl place) []string {
	var ns []string
	switch {
	case f.Generated != nil:
		for _, r := range f.Related {
			ns = append(ns, r.Message)
		}
	case pl.chart && f.Source != "":
		ns = append(ns, "template "+f.Source+": "+unmappedNote)
	case f.Source != "":
		ns = append(ns, "template "+f.Source)
	}
	return ns
}

// place is where a code host should show a finding.
type place struct {
	file string
	pos  analyzer.Position // Line 0: the file as a whole
	// chart is set for a position in a chart's rendered stream: one its
	// source map could not place on a template.
	chart bool
	// rendered says where in a chart's rendered stream the finding is, when
	// pos had to be dropped for it.
	rendered string
}

// placeOf places a finding's position. A position in a Helm chart (a chart
// directory or a packaged .tgz given on the command line) that the chart's
// source map could not place on a template counts lines of the rendered
// stream, which no file holds: it is placed on the chart, without a line.
// A finding placed on a template is on the template's line.
func placeOf(pos analyzer.Position, source string) place {
	pl := place{file: pos.File, pos: pos}
	if source == "" || pos.Line == 0 || !isChart(pos.File) {
		return pl
	}
	pl.chart = true
	pl.rendered = fmt.Sprintf("line %d, column %d of the rendered chart", pos.Line, pos.Column)
	pl.pos = analyzer.Position{File: pos.File}
	return pl
}

// isChart reports whether a file name names a chart the input rendered (a
// directory or a packaged chart), not a file of lines.
func isChart(name string) bool {
	if name == analyzer.StdinName {
		return false
	}
	if strings.HasSuffix(name, ".tgz") {
		return true
	}
	info, err := os.Stat(name)
	return err == nil && info.IsDir()
}
