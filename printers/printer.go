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
// rule's message, then the object and, for Helm output, the template, as in
// the text format, and where in the rendered chart when the place could not
// keep the position.
func findingMessage(f analyzer.Finding, pl place) string {
	msg := f.Message
	if ref := f.Object.String(); ref != "" {
		msg += " [" + ref + "]"
	}
	switch {
	case pl.rendered != "" && f.Source != "":
		msg += fmt.Sprintf(" (template %s, %s)", f.Source, pl.rendered)
	case f.Source != "":
		msg += " (template " + f.Source + ")"
	}
	return msg
}

// place is where a code host should show a finding.
type place struct {
	file string
	pos  analyzer.Position // Line 0: the file as a whole
	// rendered says where in a chart's rendered stream the finding is, when
	// pos had to be dropped for it.
	rendered string
}

// placeOf places a position. A position in a Helm chart (a chart directory
// or a packaged .tgz given on the command line) counts lines of the rendered
// stream, which no file holds: it is placed on the template file when the
// chart directory has it, on the chart otherwise, without a line either way.
func placeOf(pos analyzer.Position, source string) place {
	pl := place{file: pos.File, pos: pos}
	if source == "" || pos.Line == 0 || !isChart(pos.File) {
		return pl
	}
	pl.rendered = fmt.Sprintf("line %d, column %d of the rendered chart", pos.Line, pos.Column)
	pl.pos = analyzer.Position{File: pos.File}
	// The source is "<chart name>/templates/x.yaml" (or a subchart's
	// "<chart>/charts/<sub>/templates/x.yaml"): relative to the chart
	// directory once the chart name is dropped.
	if _, rest, ok := strings.Cut(filepath.ToSlash(source), "/"); ok && !strings.Contains("/"+rest+"/", "/../") {
		tmpl := filepath.Join(pos.File, filepath.FromSlash(rest))
		if info, err := os.Stat(tmpl); err == nil && info.Mode().IsRegular() {
			pl.file = tmpl
			pl.pos.File = tmpl
		}
	}
	return pl
}

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
