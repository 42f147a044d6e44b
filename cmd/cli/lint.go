package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/internal/printable"
	"github.com/tokenlint/tokenlint/printers"
)

// lintOptions are the flags of `tokenlint lint` (and of `tokenlint config
// print`, which shows what they and the configuration file make).
type lintOptions struct {
	formats            []string
	output             string
	failOn             string
	namespace          string
	maxTokenExpiration string
	allowedAudiences   []string
	sarifRoot          string
	policies           []string
	contexts           []string
	enable, disable    []string
	config             string
	noConfig           bool
	showSuppressed     bool
	baseline           string
	writeBaseline      string
	newFromRev         string
	stdinFilename      string
	color              string
	helm               analyzer.HelmOptions
	helmLog            bool

	// changed reports whether a flag was given, so that a flag overrides
	// the configuration file only when it is.
	changed func(name string) bool
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

func newLintCommand(s Streams) *cobra.Command {
	var o lintOptions
	cmd := &cobra.Command{
		Use:   "lint [PATH ...]",
		Short: "Lint manifests: files, directories (recursively) or - for standard input",
		Long: "Lint Kubernetes manifests. A PATH is a file, a directory (walked recursively for *.yaml, *.yml and\n" +
			"*.json), a Helm chart (a directory holding Chart.yaml, or a packaged .tgz; rendered like `helm\n" +
			"template`, with no cluster and no network, in a child process within the limits: configuration\n" +
			"key limits) or - for standard input; no PATH means the current directory. A file inside a chart (a\n" +
			"template, values.yaml, Chart.yaml) means that chart. Only regular files are read.\n\n" +
			"The configuration is .tokenlint.yaml (or .tokenlint.yml) in the working directory or its parents, up\n" +
			"to the repository root, or --config FILE; flags override it.\n\n" +
			"Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 a usage error, a\n" +
			"configuration or policy that does not load, a policy that fails while it runs, input that could not\n" +
			"be read or parsed, or standard input, a directory or a chart that holds no Kubernetes object (the\n" +
			"report is still written). Suppressed findings never count.",
		RunE: func(cmd *cobra.Command, args []string) error {
			o.changed = cmd.Flags().Changed
			return runLint(s, o, args)
		},
	}
	addLintFlags(cmd, &o)
	f := cmd.Flags()
	f.StringArrayVarP(&o.formats, "format", "f", nil, "output format: text, json, sarif, github, gitlab or junit; NAME=FILE writes that format to FILE (repeatable)")
	f.StringVarP(&o.output, "output", "o", "", "write the report to this file instead of standard output")
	f.BoolVar(&o.showSuppressed, "show-suppressed", false, "text: also list suppressed findings, with what suppressed them")
	f.StringVar(&o.sarifRoot, "sarif-root", "", "SARIF, GitHub annotations and fingerprints: the repository root that paths are relative to (default: the working directory)")
	f.StringVar(&o.baseline, "baseline", "", "report the findings held in this baseline (a --write-baseline file, a JSON report or a SARIF log) as suppressed")
	f.StringVar(&o.writeBaseline, "write-baseline", "", "write the findings that are not suppressed in source to this baseline file (the exit code then ignores them)")
	f.StringVar(&o.newFromRev, "new-from-rev", "", "report only findings on lines or in objects changed since this git revision")
	f.StringVar(&o.color, "color", "auto", "colour the text report: auto (on a terminal, or with FORCE_COLOR; never with NO_COLOR), always or never")
	f.StringVar(&o.stdinFilename, "stdin-filename", "", "report standard input (-) under this file name, in every format (the file need not exist)")
	f.BoolVar(&o.helmLog, "helm-log", false, "Helm charts: show Helm's own log lines (its warnings and notices) on standard error")
	_ = cmd.RegisterFlagCompletionFunc("format", completeFormat)
	_ = cmd.RegisterFlagCompletionFunc("color", cobra.FixedCompletions(colorModes, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// addLintFlags adds the flags that make a run's configuration, shared by
// `lint` and `config print`.
func addLintFlags(cmd *cobra.Command, o *lintOptions) {
	f := cmd.Flags()
	f.StringVar(&o.config, "config", "", "read the configuration from this file instead of looking for .tokenlint.yaml")
	f.BoolVar(&o.noConfig, "no-config", false, "read no configuration file")
	f.StringVar(&o.failOn, "fail-on", "warning", "lowest severity that makes the exit code 1: error, warning, note or never")
	f.StringVarP(&o.namespace, "namespace", "n", "", `namespace of objects that set none (default "default")`)
	f.StringVar(&o.maxTokenExpiration, "max-token-expiration", "86400", "longest projected token expirationSeconds TL103 accepts (seconds, or a duration like 24h)")
	f.StringArrayVar(&o.allowedAudiences, "allowed-audience", nil, "an audience projected tokens may request; replaces the configuration's list (repeatable)")
	f.StringSliceVar(&o.enable, "enable", nil, "turn on these rules (IDs or slugs, comma-separated; repeatable)")
	f.StringSliceVar(&o.disable, "disable", nil, "turn off these rules (IDs or slugs, comma-separated; repeatable)")
	f.StringArrayVar(&o.policies, "policy", nil, "also run the Rego policies in this file or directory (repeatable)")
	f.StringArrayVar(&o.contexts, "context", nil, "also load this path to resolve references (ServiceAccounts, Secrets), without reporting on it (repeatable)")
	f.StringArrayVar(&o.helm.ValueFiles, "values", nil, "Helm charts: a values file (repeatable)")
	f.StringArrayVar(&o.helm.Set, "set", nil, "Helm charts: set a value, key=value (repeatable)")
	f.StringArrayVar(&o.helm.SetString, "set-string", nil, "Helm charts: set a string value, key=value (repeatable)")
	f.StringArrayVar(&o.helm.SetFile, "set-file", nil, "Helm charts: set a value to a file's text, key=path (repeatable)")
	f.StringArrayVar(&o.helm.SetJSON, "set-json", nil, "Helm charts: set a JSON value, key=json or a JSON object (repeatable)")
	f.StringSliceVarP(&o.helm.APIVersions, "api-versions", "a", nil, "Helm charts: API versions templates see in .Capabilities.APIVersions (comma-separated; repeatable)")
	f.StringVar(&o.helm.ReleaseName, "release-name", "release-name", "Helm charts: the release name")
	f.StringVar(&o.helm.KubeVersion, "kube-version", "", "Helm charts: the Kubernetes version templates see (default: Helm's)")
	registerLintCompletions(cmd, o)
}

func usageError(format string, args ...any) error {
	return &exitError{code: ExitError, err: fmt.Errorf(format, args...)}
}

func runLint(s Streams, o lintOptions, paths []string) error {
	workdir := s.Workdir
	if workdir == "" {
		workdir, _ = os.Getwd()
	}
	run, err := resolve(s, o, workdir)
	if err != nil {
		return err
	}
	if o.helmLog {
		run.loader.Helm.Log = s.Err
		run.contextLoader.Helm.Log = s.Err
	}
	if o.writeBaseline != "" && o.newFromRev != "" {
		return usageError("--write-baseline and --new-from-rev cannot be used together: the baseline would hold only the findings on changed lines")
	}
	outs, err := parseOutputs(o.formats, o.output)
	if err != nil {
		return usageError("%v", err)
	}
	if o.writeBaseline != "" {
		outs = append(outs, output{format: "baseline", file: o.writeBaseline})
	}
	opts := printers.Options{Version: version(), BaseDir: workdir, Registry: run.reg, SARIFRoot: workdir, ShowSuppressed: o.showSuppressed}
	if o.sarifRoot != "" {
		if opts.SARIFRoot, err = filepath.Abs(o.sarifRoot); err != nil {
			return usageError("--sarif-root: %v", err)
		}
	}
	// Fingerprints name files relative to the repository root, so a
	// baseline matches wherever in the repository tokenlint runs.
	run.options.Root = opts.SARIFRoot
	if o.sarifRoot == "" {
		run.options.Root = run.root
	}
	type job struct {
		out     output
		printer printers.Printer
	}
	var jobs []job
	for _, out := range outs {
		if out.format == "baseline" && out.file != o.writeBaseline {
			return usageError("--format: unknown format %q (want %s); write a baseline with --write-baseline FILE", out.format, strings.Join(printers.Names(), ", "))
		}
		po := opts
		if po.Color, err = useColor(o.color, s, out.file == ""); err != nil {
			return usageError("%v", err)
		}
		p, err := printers.New(out.format, po)
		if err != nil {
			return usageError("--format: %v", err)
		}
		jobs = append(jobs, job{out, p})
	}
	if o.baseline != "" {
		if _, statErr := os.Stat(o.baseline); os.IsNotExist(statErr) && sameFile(o.baseline, o.writeBaseline) {
			// Refreshing a baseline that does not exist yet starts it.
			run.options.Baseline = &analyzer.Baseline{File: o.baseline, Entries: map[string]analyzer.BaselineEntry{}}
		} else if run.options.Baseline, err = printers.ReadBaseline(o.baseline); err != nil {
			return usageError("--baseline: %v", err)
		}
	}
	if o.newFromRev != "" {
		ch, err := changedSince(workdir, o.newFromRev)
		if err != nil {
			return usageError("%v", err)
		}
		run.options.Changes = ch
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	if o.stdinFilename != "" {
		if !slices.Contains(paths, "-") {
			return usageError("--stdin-filename names standard input, but no PATH is - (as in: helm template ... | tokenlint lint --stdin-filename chart.yaml -)")
		}
		run.loader.StdinName = o.stdinFilename
	}

	for _, p := range paths {
		if p != "-" && run.excluded(p) {
			fmt.Fprintf(s.Err, "tokenlint: %s is excluded by the configuration's exclude, so it is not linted\n", printable.Line(p))
		}
	}
	progress := &analyzer.Progress{}
	stopProgress := startProgress(s, progress, progressDelay, progressEvery)
	run.loader.Progress, run.options.Progress = progress, progress
	in := run.loader.Open(paths)
	if len(run.contexts) > 0 {
		run.contextLoader.OpenContext(in, run.contexts)
	}
	rep := analyzer.RunWith(in, run.reg, run.options)
	stopProgress()
	if rep.Objects == 0 {
		// Said plainly, whatever the format: a report with no findings
		// looks the same as a clean one.
		files := fmt.Sprintf("%d files read", rep.Files)
		if rep.Files == 1 {
			files = "1 file read"
		}
		fmt.Fprintf(s.Err, "tokenlint: no Kubernetes objects found in the input (%s)\n", files)
	}

	for _, j := range jobs {
		if err := write(s.Out, j.out.file, func(w io.Writer) error { return j.printer.Print(w, rep) }); err != nil {
			return &exitError{code: ExitError, err: err}
		}
	}
	if o.writeBaseline != "" && len(rep.Problems) == 0 {
		// Recording a baseline accepts the findings it records.
		return nil
	}
	return exitFor(rep, run.failOn)
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

// repositoryRoot is the nearest directory at or above dir that holds .git,
// or "" when there is none.
func repositoryRoot(dir string) string {
	for d := dir; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// sameFile reports whether two names, as given, name the same file.
func sameFile(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	x, err1 := filepath.Abs(a)
	y, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && x == y
}
