package printers

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/internal/printable"
)

// GitHub writes one GitHub Actions workflow command a finding, which the
// runner turns into an annotation on the file and line, shown in the job
// summary and in the pull request's diff:
//
//	::warning file=deploy/app.yaml,line=37,col=13,endLine=37,endColumn=31,title=TL101 projected-token-missing-audience::projected token ...
//
// error, warning and note become ::error, ::warning and ::notice. File names
// are relative to the repository root (Options.SARIFRoot, --sarif-root, which
// defaults to the working directory), as the runner resolves them against the
// workspace. The runner shows at most 10 annotations of each kind per step
// (actions/toolkit, docs/problem-matchers.md); when there are more, a last
// notice says how many, so a reviewer knows to read the log or the SARIF. A problem
// with a whole file has no line. endColumn is the last character's column,
// and is given only when the region is on one line, as the runner accepts it.
//
// Values are escaped as the runner unescapes them (actions/toolkit's
// command.ts): in the message %, CR and LF; in properties also : and ,. So a
// finding is always one line, and nothing in a manifest can start a command
// of its own. Before that, the message and every property go through
// printable.Line, as in the text format: the runner prints annotations in the
// job log, which interprets ANSI sequences, so no control character (ESC
// among them) or bidirectional override from a manifest reaches it. (A file
// name holding one is shown escaped, on no file of the checkout.)
type GitHub struct{ opts Options }

// Print writes the report.
func (p *GitHub) Print(w io.Writer, rep *analyzer.Report) error {
	bw := bufio.NewWriter(w)
	for _, f := range rep.Findings {
		if !f.Counts() {
			continue // accepted: the review already happened
		}
		pl := placeOf(f.Position, f.Source)
		cmd := "warning"
		switch f.Severity {
		case analyzer.SeverityError:
			cmd = "error"
		case analyzer.SeverityNote:
			cmd = "notice"
		}
		props := []string{"file=" + escapeProperty(p.opts.rootPath(pl.file))}
		if pos := pl.pos; pos.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", pos.Line))
			if pos.Column > 0 {
				props = append(props, fmt.Sprintf("col=%d", pos.Column))
			}
			if pos.EndLine >= pos.Line {
				props = append(props, fmt.Sprintf("endLine=%d", pos.EndLine))
				if pos.EndLine == pos.Line && pos.EndColumn > pos.Column {
					props = append(props, fmt.Sprintf("endColumn=%d", pos.EndColumn-1))
				}
			}
		}
		props = append(props, "title="+escapeProperty(f.Rule.ID+" "+f.Rule.Slug))
		fmt.Fprintf(bw, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(findingMessage(f, pl)))
	}
	if c := countFindings(rep.Findings); c.errors > annotationLimit || c.warnings > annotationLimit || c.notes > annotationLimit {
		fmt.Fprintf(bw, "::notice title=tokenlint::%s\n", escapeData(fmt.Sprintf(
			"%d errors, %d warnings and %d notes: GitHub shows at most %d annotations of each kind per step, so read the job log or the code scanning alerts for the rest",
			c.errors, c.warnings, c.notes, annotationLimit)))
	}
	return bw.Flush()
}

// annotationLimit is how many annotations of each kind the runner shows for
// one step.
const annotationLimit = 10

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// escapeData escapes a workflow command's message.
func escapeData(s string) string { return dataEscaper.Replace(printable.Line(s)) }

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string { return propertyEscaper.Replace(printable.Line(s)) }
