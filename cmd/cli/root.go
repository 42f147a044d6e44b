// Package cli builds tokenlint's commands. Commands are made by constructors
// that take their input and output streams, and Run returns the exit code, so
// tests run the real CLI in-process. This is the one place where Go rules and
// Rego policies meet, as Rules of one registry.
package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tokenlint/tokenlint/config"
	"github.com/tokenlint/tokenlint/internal/printable"
)

// Exit codes (SPEC §4).
const (
	ExitOK       = 0 // nothing at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on
	ExitError    = 2 // a usage error, or input that could not be read or parsed
)

// Streams are a command's standard input, output and error.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
	// Workdir is the directory relative paths are shown against; empty
	// means the process's working directory.
	Workdir string
	// Getenv reads the environment (NO_COLOR); nil means no variables.
	Getenv func(string) string
	// IsTerminal reports whether Out or Err is a terminal; nil means
	// whether it is a character device.
	IsTerminal func(io.Writer) bool
}

// terminal reports whether w, Out or Err, is a terminal.
func (s Streams) terminal(w io.Writer) bool {
	if s.IsTerminal != nil {
		return s.IsTerminal(w)
	}
	return isTerminal(w)
}

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

// NewRoot builds the root command.
func NewRoot(s Streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "tokenlint",
		Short: "Lint Kubernetes manifests for service-account token hygiene",
		Long: "tokenlint checks Kubernetes manifests for service-account token hygiene: projected tokens without\n" +
			"an audience or with a bad expiration, legacy token Secrets, automounted tokens and tokens that are\n" +
			"never reloaded. Run `tokenlint lint`; `tokenlint rules` lists the rules, `tokenlint explain ID` explains one.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       thisBuild().String(),
	}
	// --version without cobra's -v shorthand, printing what `tokenlint
	// version` prints.
	root.Flags().Bool("version", false, "print tokenlint's version")
	root.SetVersionTemplate("tokenlint {{.Version}}\n")
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.AddCommand(newLintCommand(s), newRulesCommand(s), newExplainCommand(s), newPolicyCommand(s), newConfigCommand(s), newVersionCommand(s))
	plainBoolFlags(root)
	return root
}

// Run runs tokenlint with the arguments (without the program name) and
// returns its exit code.
func Run(args []string, s Streams) int {
	root := NewRoot(s)
	root.SetArgs(args)
	err := root.Execute()
	var ee *exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		if ee.err != nil {
			fmt.Fprintln(s.Err, "tokenlint:", errorText(ee.err))
		}
		return ee.code
	default:
		fmt.Fprintln(s.Err, "tokenlint:", errorText(err))
		return ExitError
	}
}

// errorText is an error's message for standard error, escaped
// (printable.Text): messages name files, keys and values from the
// configuration, policies and manifests. A message may list several problems
// a line each, so line feeds are kept, except in each problem of a
// configuration file, which is one line whatever its key or value holds.
func errorText(err error) string {
	msg := err.Error()
	var errs config.Errors
	if errors.As(err, &errs) {
		if head, ok := strings.CutSuffix(msg, errs.Error()); ok {
			lines := make([]string, len(errs))
			for i, e := range errs {
				lines[i] = printable.Line(e.Error())
			}
			return printable.Text(head) + strings.Join(lines, "\n")
		}
	}
	return printable.Text(msg)
}

func newVersionCommand(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print tokenlint's version, the revision it was built from and the Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(s.Out, "tokenlint %s\n", thisBuild())
			return err
		},
	}
}
