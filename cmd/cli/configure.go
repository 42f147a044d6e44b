package cli

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/config"
	"github.com/tokenlint/tokenlint/policies"
)

// runConfig is what a run is made of once the configuration file and the
// flags are merged: the flags override the file (scalars replace it;
// --policy, --context and --values add to its lists; --set adds, and wins
// over the file for the same key; --enable and --disable win over the
// file's lists for the rules they name).
type runConfig struct {
	file    *config.Config // nil without a file
	reg     *analyzer.Registry
	options analyzer.Options
	failOn  analyzer.Severity
	loader  *analyzer.Loader
	// contextLoader loads --context paths: the configuration's exclude
	// does not apply to them (they are not linted anyway), so vendored
	// files can be excluded and still resolve references.
	contextLoader *analyzer.Loader
	contexts      []string
	// excluded reports whether the configuration excludes a path.
	excluded func(string) bool
	// root is what fingerprints name files relative to without
	// --sarif-root: the repository root, else the configuration file's
	// directory, else the working directory.
	root string
	// effective is the merged configuration, for `config print`.
	effective *config.Config
}

// resolve finds and reads the configuration file, merges the flags over it
// and builds the catalog and the run's options. Every mistake is an error
// with exit code 2; the configuration's own mistakes name their file, line
// and column.
func resolve(s Streams, o lintOptions, workdir string) (*runConfig, error) {
	changed := o.changed
	if changed == nil {
		changed = func(string) bool { return false }
	}
	rc := &runConfig{}
	file := o.config
	if o.noConfig && file != "" {
		return nil, usageError("--config and --no-config cannot be used together")
	}
	if file == "" && !o.noConfig {
		found, err := config.Find(workdir)
		if err != nil {
			return nil, usageError("configuration: %v", err)
		}
		file = found
		if cwd, err := os.Getwd(); err == nil && found != "" {
			// Errors name the file as the user would type it.
			if rel, err := filepath.Rel(cwd, found); err == nil {
				file = rel
			}
		}
	}
	if file != "" {
		cfg, err := config.Load(file)
		if err != nil {
			return nil, configError(file, err)
		}
		rc.file = cfg
	}
	cfg := rc.file
	if cfg == nil {
		cfg = &config.Config{Dir: workdir}
	}
	eff := &config.Config{File: cfg.File, Dir: cfg.Dir}
	rc.effective = eff

	// The catalog: built-in rules and every policy, the file's first.
	eff.Policies = append(slices.Clone(cfg.Policies), flagPaths(o.policies)...)
	var policyPaths []string
	for _, p := range eff.Policies {
		policyPaths = append(policyPaths, p.Abs)
	}
	eff.Limits = cfg.Limits
	reg, err := CatalogWith(policyLimits(cfg.Limits), policyPaths...)
	if err != nil {
		return nil, &exitError{code: ExitError, err: err}
	}
	rc.reg = reg
	var names []string
	for _, r := range reg.Rules() {
		names = append(names, r.ID, r.Slug)
	}
	if err := cfg.CheckRuleIDs(func(name string) (string, bool) {
		if r := reg.Lookup(name); r != nil {
			return r.ID, true
		}
		return "", false
	}, names); err != nil {
		return nil, configError(cfg.File, err)
	}

	// Rules on and off: the flags win for the rules they name.
	flagged := func(list []string) map[*analyzer.Rule]bool {
		m := map[*analyzer.Rule]bool{}
		for _, n := range list {
			if r := reg.Lookup(n); r != nil {
				m[r] = true
			}
		}
		return m
	}
	for _, n := range append(slices.Clone(o.enable), o.disable...) {
		if reg.Lookup(n) == nil {
			msg := fmt.Sprintf("unknown rule %q", n)
			if sug := reg.Suggest(n); sug != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", sug)
			}
			return nil, usageError("--enable/--disable: %s", msg)
		}
	}
	flagOn, flagOff := flagged(o.enable), flagged(o.disable)
	keep := func(list []config.Scalar, drop map[*analyzer.Rule]bool) []config.Scalar {
		return slices.DeleteFunc(slices.Clone(list), func(s config.Scalar) bool { return drop[reg.Lookup(s.Value)] })
	}
	eff.Disable = append(keep(cfg.Disable, flagOn), scalars(o.disable)...)
	eff.Enable = append(keep(cfg.Enable, flagOff), scalars(o.enable)...)
	off, err := reg.Off(values(eff.Disable), values(eff.Enable))
	if err != nil {
		return nil, usageError("%v", err)
	}
	rc.options.Off = off
	eff.Severity = cfg.Severity
	if len(cfg.Severity) > 0 {
		rc.options.Severity = map[*analyzer.Rule]analyzer.Severity{}
		for _, so := range cfg.Severity {
			rc.options.Severity[reg.Lookup(so.Rule.Value)] = so.Severity.Value
		}
	}

	// Settings.
	rc.options.Settings = analyzer.DefaultSettings
	eff.Settings = cfg.Settings
	switch {
	case changed("max-token-expiration"):
		secs, err := config.ParseSeconds(o.maxTokenExpiration)
		if err != nil {
			return nil, usageError("--max-token-expiration: %v", err)
		}
		rc.options.Settings.MaxTokenExpiration = secs
		eff.Settings.MaxTokenExpiration = &config.Duration{Seconds: secs, Text: o.maxTokenExpiration}
	default:
		cfg.Settings.Apply(&rc.options.Settings)
	}
	if changed("allowed-audience") {
		eff.Settings.AllowedAudiences = scalars(o.allowedAudiences)
	}
	rc.options.Settings.AllowedAudiences = values(eff.Settings.AllowedAudiences)

	rc.failOn = analyzer.SeverityWarning
	switch {
	case changed("fail-on"):
		if rc.failOn, err = analyzer.ParseSeverity(o.failOn, true); err != nil {
			return nil, usageError("--fail-on: %v", err)
		}
		eff.FailOn = &config.SeverityValue{Value: rc.failOn}
	case cfg.FailOn != nil:
		rc.failOn = cfg.FailOn.Value
		eff.FailOn = cfg.FailOn
	}

	// Loading.
	namespace := ""
	switch {
	case changed("namespace"):
		namespace = o.namespace
		eff.Namespace = &config.Scalar{Value: namespace}
	case cfg.Namespace != nil:
		namespace = cfg.Namespace.Value
		eff.Namespace = cfg.Namespace
	}
	eff.Exclude = cfg.Exclude
	eff.Context = append(slices.Clone(cfg.Context), flagPaths(o.contexts)...)
	for _, p := range eff.Context {
		if _, err := os.Stat(p.Abs); err != nil {
			where := "--context"
			if p.Pos.File != "" {
				where = p.Pos.String()
			}
			return nil, usageError("%s: context %q: %v", where, p.Value, errors.Unwrap(err))
		}
		rc.contexts = append(rc.contexts, p.Abs)
	}
	eff.Helm = cfg.Helm
	eff.Helm.Values = append(slices.Clone(cfg.Helm.Values), flagPaths(o.helm.ValueFiles)...)
	eff.Helm.Set = append(slices.Clone(cfg.Helm.Set), keyValues(o.helm.Set)...)
	eff.Helm.SetString = append(slices.Clone(cfg.Helm.SetString), keyValues(o.helm.SetString)...)
	eff.Helm.SetJSON = append(slices.Clone(cfg.Helm.SetJSON), keyValues(o.helm.SetJSON)...)
	eff.Helm.SetFile = slices.Clone(cfg.Helm.SetFile)
	for _, kv := range keyValues(o.helm.SetFile) {
		// As Helm reads it: the flag's text (several key=path pairs,
		// perhaps) whole, its paths relative to the working directory.
		eff.Helm.SetFile = append(eff.Helm.SetFile, config.FileValue{Key: kv.Key, Path: config.Path{Value: kv.Value, Abs: kv.Value}})
	}
	eff.Helm.APIVersions = append(slices.Clone(cfg.Helm.APIVersions), scalars(o.helm.APIVersions)...)
	if changed("release-name") {
		eff.Helm.ReleaseName = &config.Scalar{Value: o.helm.ReleaseName}
	}
	if changed("kube-version") {
		eff.Helm.KubeVersion = &config.Scalar{Value: o.helm.KubeVersion}
	}
	helm := eff.Helm.Options()
	if helm.ReleaseName == "" {
		helm.ReleaseName = "release-name"
	}
	configFile := ""
	if cfg.File != "" {
		configFile, _ = filepath.Abs(cfg.File)
	}
	isConfig := func(p string) bool {
		if base := filepath.Base(p); slices.Contains(config.FileNames, base) {
			return true // a configuration file is never a manifest
		}
		abs, err := filepath.Abs(p)
		return err == nil && abs == configFile
	}
	eff.Limits = cfg.Limits
	limits := analyzer.DefaultLimits
	cfg.Limits.Apply(&limits)
	rc.excluded = cfg.Excluded
	rc.loader = &analyzer.Loader{Namespace: namespace, Stdin: s.In, Helm: helm, Limits: limits, RequireObjects: true, Exclude: func(p string) bool {
		return isConfig(p) || cfg.Excluded(p)
	}}
	ctx := *rc.loader
	ctx.Exclude = isConfig
	rc.contextLoader = &ctx
	rc.root = repositoryRoot(workdir)
	switch {
	case rc.root != "":
	case rc.file != nil:
		rc.root = rc.file.Dir
	default:
		rc.root = workdir
	}
	return rc, nil
}

// policyLimits are the limits of policy evaluation the file gives, the
// defaults for those it leaves out.
func policyLimits(l config.Limits) policies.Limits {
	out := policies.DefaultLimits
	if l.PolicyTimeout != nil {
		out.Timeout = seconds(l.PolicyTimeout.Seconds)
	}
	if l.PolicyTimeouts != nil {
		out.Timeouts = l.PolicyTimeouts.Value
	}
	if l.PolicyBudget != nil {
		out.Budget = seconds(l.PolicyBudget.Seconds)
	}
	return out
}

// seconds is a duration of n seconds; one beyond what a Duration holds
// (292 years) is the longest there is.
func seconds(n int64) time.Duration {
	if n > math.MaxInt64/int64(time.Second) {
		return math.MaxInt64
	}
	return time.Duration(n) * time.Second
}

// configError is a configuration file's error, exit code 2; its problems
// already name their file and line.
func configError(file string, err error) error {
	var errs config.Errors
	if errors.As(err, &errs) {
		return &exitError{code: ExitError, err: fmt.Errorf("invalid configuration:\n%w", err)}
	}
	return &exitError{code: ExitError, err: fmt.Errorf("configuration %s: %v", file, err)}
}

func flagPaths(ps []string) []config.Path {
	out := make([]config.Path, 0, len(ps))
	for _, p := range ps {
		abs, err := filepath.Abs(p)
		if err != nil {
			abs = p
		}
		out = append(out, config.Path{Value: p, Abs: abs})
	}
	return out
}

func scalars(ss []string) []config.Scalar {
	out := make([]config.Scalar, 0, len(ss))
	for _, s := range ss {
		out = append(out, config.Scalar{Value: s})
	}
	return out
}

func values(ss []config.Scalar) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, s.Value)
	}
	return out
}

func keyValues(kvs []string) []config.KeyValue {
	out := make([]config.KeyValue, 0, len(kvs))
	for _, kv := range kvs {
		k, v, _ := strings.Cut(kv, "=")
		out = append(out, config.KeyValue{Key: k, Value: v})
	}
	return out
}
