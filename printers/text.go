package printers

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/internal/printable"
)

// Text writes one line a finding, for people:
//
//	file:line:col: severity ID message [Kind namespace/name]
//
// then one summary line. Everything a manifest, chart, policy or file name
// put in a line (names, messages, file and template names, suppression
// reasons) goes through printable.Line, so a finding is always one line and
// nothing in it acts on the terminal; the colours are added afterwards.
type Text struct{ opts Options }

const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiBold   = "\x1b[1m"
)

func (p *Text) paint(color, s string) string {
	if !p.opts.Color {
		return s
	}
	return color + s + ansiReset
}

// Print writes the report.
func (p *Text) Print(w io.Writer, rep *analyzer.Report) error {
	bw := bufio.NewWriter(w)
	for _, f := range rep.Findings {
		if !f.Counts() && !p.opts.ShowSuppressed {
			continue
		}
		sev := f.Severity.String()
		switch f.Severity {
		case analyzer.SeverityError:
			sev = p.paint(ansiRed, sev)
		case analyzer.SeverityWarning:
			sev = p.paint(ansiYellow, sev)
		default:
			sev = p.paint(ansiCyan, sev)
		}
		fmt.Fprintf(bw, "%s: %s %s %s", p.location(f.Position), sev, p.paint(ansiBold, printable.Line(f.Rule.ID)), printable.Line(f.Message))
		if ref := f.Object.String(); ref != "" {
			fmt.Fprintf(bw, " [%s]", printable.Line(ref))
		}
		if ns := notes(f, placeOf(f.Position, f.Source)); len(ns) > 0 {
			fmt.Fprintf(bw, " (%s)", printable.Line(strings.Join(ns, "; ")))
		}
		if f.Suppression != nil {
			fmt.Fprintf(bw, " (suppressed by %s)", printable.Line(p.opts.suppressedBy(f.Suppression)))
		}
		bw.WriteByte('\n')
	}
	fmt.Fprintln(bw, summary(rep, p.opts))
	return bw.Flush()
}

// location is "file:line:col", or just "file" for a problem with the file as
// a whole (one that cannot be read has no line).
func (p *Text) location(pos analyzer.Position) string {
	file := printable.Line(p.opts.relPath(pos.File))
	if pos.Line == 0 {
		return file
	}
	return fmt.Sprintf("%s:%d:%d", file, pos.Line, pos.Column)
}

func summary(rep *analyzer.Report, opts Options) string {
	c := countFindings(rep.Findings)
	scope := fmt.Sprintf("%s, %s", plural(rep.Objects, "object"), plural(rep.Files, "file"))
	s := "no problems in " + scope
	if c.findings() > 0 {
		s = fmt.Sprintf("%s (%s, %s, %s) in %s", plural(c.findings(), "problem"),
			plural(c.errors, "error"), plural(c.warnings, "warning"), plural(c.notes, "note"), scope)
	}
	// "error" is kept for the severity: input problems (unreadable files,
	// documents or fields Kubernetes rejects, rules that failed) are listed
	// as findings of any severity, and each makes the exit code 2.
	if n := len(rep.Problems); n > 0 {
		s += fmt.Sprintf("; %s (exit code 2)", plural(n, "input problem"))
	}
	if c.suppressed > 0 {
		s += fmt.Sprintf("; %d suppressed", c.suppressed)
		if !opts.ShowSuppressed {
			s += " (--show-suppressed lists them)"
		}
	}
	if rep.Baseline != "" {
		s += fmt.Sprintf("; %s of the baseline fixed", plural(rep.BaselineFixed, "entry"))
	}
	if rep.Unchanged > 0 {
		s += fmt.Sprintf("; %d on unchanged lines not shown", rep.Unchanged)
	}
	return s
}

func plural(n int, word string) string {
	switch {
	case n == 1:
		return fmt.Sprintf("1 %s", word)
	case strings.HasSuffix(word, "y"):
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(word, "y"))
	}
	return fmt.Sprintf("%d %ss", n, word)
}
