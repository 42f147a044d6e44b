package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/internal/printable"
	"github.com/tokenlint/tokenlint/printers"
)

// Shell completion is cobra's: `tokenlint completion bash|zsh|fish|powershell`
// writes the script, which asks the hidden `tokenlint __complete ARGS...`
// command. Commands and flags complete by themselves; the functions here
// complete the values that name something of tokenlint's.

// completeRules completes a rule ID or slug (the catalog's and those of the
// --policy files given so far), each with its title.
func completeRules(policyPaths []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	reg, err := Catalog(policyPaths...)
	if err != nil {
		// A policy that does not load yet: complete the built-in rules.
		if reg, err = Catalog(); err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
	}
	var out []cobra.Completion
	add := func(name string, r *analyzer.Rule) {
		if strings.HasPrefix(strings.ToLower(name), strings.ToLower(toComplete)) {
			out = append(out, cobra.CompletionWithDesc(printable.Line(name), printable.Line(r.Title)))
		}
	}
	for _, r := range reg.Rules() {
		add(r.ID, r)
	}
	for _, r := range reg.Rules() {
		add(r.Slug, r)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeRuleList completes the last of comma-separated rules (--enable
// TL101,TL3<tab>), keeping those before it.
func completeRuleList(policyPaths *[]string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		done, last := "", toComplete
		if i := strings.LastIndex(toComplete, ","); i >= 0 {
			done, last = toComplete[:i+1], toComplete[i+1:]
		}
		rules, dir := completeRules(*policyPaths, last)
		for i := range rules {
			rules[i] = done + rules[i]
		}
		return rules, dir
	}
}

// completeFormat completes the NAME of --format NAME[=FILE]; after the "="
// the shell completes the file.
func completeFormat(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if strings.Contains(toComplete, "=") {
		return nil, cobra.ShellCompDirectiveDefault
	}
	var out []cobra.Completion
	for _, name := range printers.Names() {
		if strings.HasPrefix(name, toComplete) {
			out = append(out, name)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// registerLintCompletions completes the values of the flags addLintFlags
// adds.
func registerLintCompletions(cmd *cobra.Command, o *lintOptions) {
	_ = cmd.RegisterFlagCompletionFunc("enable", completeRuleList(&o.policies))
	_ = cmd.RegisterFlagCompletionFunc("disable", completeRuleList(&o.policies))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]cobra.Completion{"error", "warning", "note", "never"}, cobra.ShellCompDirectiveNoFileComp))
	for _, name := range []string{"namespace", "max-token-expiration", "allowed-audience", "set", "set-string", "set-json", "api-versions", "release-name", "kube-version"} {
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
}
