// Package printers writes a report in one output format. Each format is one
// small file behind the Printer interface; all share Options.
package printers

import (
	"fmt"
	"io"
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
}

// Names lists the formats New knows.
func Names() []string { return []string{"text", "json"} }

// New returns the printer for a format name.
func New(name string, opts Options) (Printer, error) {
	switch name {
	case "text":
		return &Text{opts}, nil
	case "json":
		return &JSON{opts}, nil
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

// counts tallies findings by severity.
type counts struct{ errors, warnings, notes int }

func countFindings(fs []analyzer.Finding) counts {
	var c counts
	for _, f := range fs {
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
