package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/printers"
)

// lintOptions are the flags of `tokenlint lint`.
type lintOptions struct {
	formats            []string
	output             string
	failOn             string
	namespace          string
	maxTokenExpiration string
	sarifRoot          string
	policies           []string
	helm               analyzer.HelmOptions
}

// output is one report destination: a format and a file ("" for the
// command's output).
type output struct {
	format, file string
}

// parseOutputs turns --format values ("text", "sarif=results.sarif") and
// --output into destinations. At most one format may go to --output or
// standard output.
func parseOutputs(formats []string, file string) ([]output, error) {
	if len(formats) == 0 {
		formats = []string{"text"}
	}
	var outs []output
	bare := 0
	for _, f := range formats {
		name, dest, hasDest := strings.Cut(f, "=")
		if hasDest && dest == "" {
			return nil, fmt.Errorf("--format %s: missing file name after '='", f)
		}
		if !hasDest {
			bare++
			dest = file
		}
		outs = append(outs, output{format: name, file: dest})
	}
	if bare > 1 {
		return nil, errors.New("only one --format can write to standard output or --output; give the others a file with NAME=FILE")
	}
	if bare == 0 && file != "" {
		return nil, errors.New("--output names no format's file: every --format has its own NAME=FILE")
	}
	return outs, nil
}

// parseSeconds reads a duration as whole seconds ("86400") or a Go duration
// ("24h").
func parseSeconds(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return n, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second {
		return 0, fmt.Errorf("invalid duration %q: give seconds (86400) or a duration (24h)", s)
	}
	return int64(d / time.Second), nil
}

func newLintCommand(s Streams) *cobra.Command {
	var o lintOptions
	cmd := &cobra.Command{
		Use:   "lint [PATH ...]",
		Short: "Lint manifests: files, directories (recursively) or - for standard input",
		Long: "Lint Kubernetes manifests. A PATH is a file, a directory (walked recursively for *.yaml, *.yml and\n" +
			"*.json), a Helm chart (a directory holding Chart.yaml, or a packaged .tgz; rendered in-process like\n" +
			"`helm template`, with no cluster and no network) or - for standard input; no PATH means the current\n" +
			"directory.\n\n" +
			"Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 a usage error, a policy\n" +
			"that does not load or fails while it runs, or input that could not be read or parsed (the report is\n" +
			"still written).",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLint(s, o, args)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&o.formats, "format", "f", nil, "output format: text, json, sarif or github; NAME=FILE writes that format to FILE (repeatable)")
	f.StringVarP(&o.output, "output", "o", "", "write the report to this file instead of standard output")
	f.StringVar(&o.failOn, "fail-on", "warning", "lowest severity that makes the exit code 1: error, warning, note or never")
	f.StringVarP(&o.namespace, "namespace", "n", "", `namespace of objects that set none (default "default")`)
	f.StringVar(&o.maxTokenExpiration, "max-token-expiration", "86400", "longest projected token expirationSeconds TL103 accepts (seconds, or a duration like 24h)")
	f.StringArrayVar(&o.policies, "policy", nil, "also run the Rego policies in this file or directory (repeatable)")
	f.StringVar(&o.sarifRoot, "sarif-root", "", "SARIF: the repository root that artifact URIs are relative to (default: the working directory)")
	f.StringArrayVar(&o.helm.ValueFiles, "values", nil, "Helm charts: a values file (repeatable)")
	f.StringArrayVar(&o.helm.Set, "set", nil, "Helm charts: set a value, key=value (repeatable)")
	f.StringArrayVar(&o.helm.SetString, "set-string", nil, "Helm charts: set a string value, key=value (repeatable)")
	f.StringVar(&o.helm.ReleaseName, "release-name", "release-name", "Helm charts: the release name")
	f.StringVar(&o.helm.KubeVersion, "kube-version", "", "Helm charts: the Kubernetes version templates see (default: Helm's)")
	return cmd
}

func usageError(format string, args ...any) error {
	return &exitError{code: ExitError, err: fmt.Errorf(format, args...)}
}

func runLint(s Streams, o lintOptions, paths []string) error {
	failOn, err := analyzer.ParseSeverity(o.failOn, true)
	if err != nil {
		return usageError("--fail-on: %v", err)
	}
	settings := analyzer.DefaultSettings
	if settings.MaxTokenExpiration, err = parseSeconds(o.maxTokenExpiration); err != nil {
		return usageError("--max-token-expiration: %v", err)
	}
	outs, err := parseOutputs(o.formats, o.output)
	if err != nil {
		return usageError("%v", err)
	}
	reg, err := Catalog(o.policies...)
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	workdir := s.Workdir
	if workdir == "" {
		workdir, _ = os.Getwd()
	}
	opts := printers.Options{Version: version(), BaseDir: workdir, Registry: reg, SARIFRoot: workdir}
	if o.sarifRoot != "" {
		if opts.SARIFRoot, err = filepath.Abs(o.sarifRoot); err != nil {
			return usageError("--sarif-root: %v", err)
		}
	}
	type job struct {
		out     output
		printer printers.Printer
	}
	var jobs []job
	for _, out := range outs {
		po := opts
		po.Color = out.file == "" && isTerminal(s.Out) && (s.Getenv == nil || s.Getenv("NO_COLOR") == "")
		p, err := printers.New(out.format, po)
		if err != nil {
			return usageError("--format: %v", err)
		}
		jobs = append(jobs, job{out, p})
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}

	loader := &analyzer.Loader{Namespace: o.namespace, Stdin: s.In, Helm: o.helm}
	rep := analyzer.Run(loader.Load(paths), reg, settings)

	for _, j := range jobs {
		if err := write(s.Out, j.out.file, func(w io.Writer) error { return j.printer.Print(w, rep) }); err != nil {
			return &exitError{code: ExitError, err: err}
		}
	}
	return exitFor(rep, failOn)
}

// exitFor is the exit status of a report.
func exitFor(rep *analyzer.Report, failOn analyzer.Severity) error {
	if len(rep.Problems) > 0 {
		return &exitError{code: ExitError}
	}
	for _, f := range rep.Findings {
		if f.Counts() && f.Severity >= failOn {
			return &exitError{code: ExitFindings}
		}
	}
	return nil
}

// write sends a report to a file, or to w when file is empty.
func write(w io.Writer, file string, print func(io.Writer) error) error {
	if file == "" {
		return print(w)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := print(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
