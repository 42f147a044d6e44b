package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/internal/printable"
)

func newRulesCommand(s Streams) *cobra.Command {
	var format string
	var policyPaths []string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rule catalog: built-in Go rules and Rego policies, and user policies given with --policy",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			reg, err := Catalog(policyPaths...)
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			switch format {
			case "text":
				return rulesText(s.Out, reg.Rules())
			case "markdown", "md":
				_, err := io.WriteString(s.Out, RulesMarkdown(reg.Rules()))
				return err
			case "json":
				return rulesJSON(s.Out, reg.Rules())
			}
			return usageError("--format: unknown format %q (want text, markdown or json)", format)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text, markdown or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]cobra.Completion{"text", "markdown", "json"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().StringArrayVar(&policyPaths, "policy", nil, "also list the Rego policies in this file or directory (repeatable)")
	return cmd
}

func newExplainCommand(s Streams) *cobra.Command {
	var policyPaths []string
	cmd := &cobra.Command{
		Use:   "explain ID|SLUG",
		Short: "Explain a rule: what it finds, why it matters, a manifest it reports and the fix",
		Args: func(_ *cobra.Command, args []string) error {
			switch len(args) {
			case 0:
				return usageError("explain needs a rule ID or slug, such as TL301; `tokenlint rules` lists them")
			case 1:
				return nil
			}
			return usageError("explain takes one rule ID or slug, not %d arguments", len(args))
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return completeRules(policyPaths, toComplete)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := Catalog(policyPaths...)
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			r := reg.Lookup(args[0])
			if r == nil {
				return usageError("no rule %q: `tokenlint rules` lists them", args[0])
			}
			return explain(s.Out, r)
		},
	}
	cmd.Flags().StringArrayVar(&policyPaths, "policy", nil, "also know the Rego policies in this file or directory (repeatable)")
	return cmd
}

// rulesText lists the rules in columns. What user policies say of
// themselves (IDs, slugs, titles, documentation) is shown escaped
// (printable), here, in explain and in the Markdown reference: a title is
// one line that cannot act on the terminal.
func rulesText(w io.Writer, rules []*analyzer.Rule) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSLUG\tSEVERITY\tTITLE")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", printable.Line(r.ID), printable.Line(r.Slug), r.Severity, printable.Line(r.Title))
	}
	return tw.Flush()
}

// ruleJSON is a rule as `tokenlint rules --format json` writes it.
type ruleJSON struct {
	ID          string   `json:"id"`
	Slug        string   `json:"slug"`
	Title       string   `json:"title"`
	Severity    string   `json:"severity"`
	Description string   `json:"description"`
	Remediation string   `json:"remediation,omitempty"`
	Config      string   `json:"exampleConfig,omitempty"`
	Example     string   `json:"example,omitempty"`
	Fixed       string   `json:"fixed,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	Kinds       []string `json:"kinds,omitempty"`
	URL         string   `json:"url,omitempty"`
	Origin      string   `json:"origin"`
}

func rulesJSON(w io.Writer, rules []*analyzer.Rule) error {
	out := make([]ruleJSON, 0, len(rules))
	for _, r := range rules {
		out = append(out, ruleJSON{ID: r.ID, Slug: r.Slug, Title: r.Title, Severity: r.Severity.String(),
			Description: r.Description, Remediation: r.Remediation, Config: r.ExampleConfig, Example: r.Example, Fixed: r.Fixed,
			Tags: r.Tags, Kinds: r.Kinds, URL: r.URL, Origin: origin(r)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// origin names where a rule comes from: "framework", "go", "rego" (a
// built-in policy) or the file of a user policy.
func origin(r *analyzer.Rule) string {
	switch {
	case r == analyzer.InvalidManifest:
		return "framework"
	case r.Origin == "":
		return "go"
	}
	return r.Origin
}

func explain(w io.Writer, r *analyzer.Rule) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s)\n%s\n\n", printable.Line(r.ID), printable.Line(r.Slug), r.Severity, printable.Line(r.Title))
	fmt.Fprintf(&b, "%s\n", printable.Text(strings.TrimSpace(r.Description)))
	if r.Remediation != "" {
		fmt.Fprintf(&b, "\nFix: %s\n", printable.Text(r.Remediation))
	}
	if r.ExampleConfig != "" {
		fmt.Fprintf(&b, "\nWith this .tokenlint.yaml:\n\n%s", indent(r.ExampleConfig))
	}
	if r.Example != "" {
		fmt.Fprintf(&b, "\nReported:\n\n%s", indent(r.Example))
	}
	if r.Fixed != "" {
		fmt.Fprintf(&b, "\nFixed:\n\n%s", indent(r.Fixed))
	}
	if r.URL != "" {
		fmt.Fprintf(&b, "\nMore: %s\n", printable.Line(r.URL))
	}
	if o := origin(r); o != "go" && o != "framework" && o != "rego" {
		fmt.Fprintf(&b, "\nPolicy: %s\n", printable.Line(o))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func indent(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(printable.Text(s), "\n"), "\n") {
		if line == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString("    " + line + "\n")
	}
	return b.String()
}

// RulesMarkdown is the rule reference in Markdown: a table, then a section
// for each rule. The README's rule reference is this text.
func RulesMarkdown(rules []*analyzer.Rule) string {
	var b strings.Builder
	b.WriteString("| ID | Slug | Severity | Title |\n|---|---|---|---|\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "| [%s](#%s) | `%s` | %s | %s |\n", printable.Line(r.ID), printable.Line(anchor(r)), printable.Line(r.Slug), r.Severity, printable.Line(r.Title))
	}
	for _, r := range rules {
		fmt.Fprintf(&b, "\n### %s %s\n\n", printable.Line(r.ID), printable.Line(r.Slug))
		kind := "Go rule"
		switch o := origin(r); o {
		case "framework":
			kind = "reported by the loader"
		case "rego":
			kind = "Rego policy"
		case "go":
		default:
			kind = "Rego policy `" + printable.Line(o) + "`"
		}
		fmt.Fprintf(&b, "**%s** · %s · %s", printable.Line(r.Title), r.Severity, kind)
		if len(r.Kinds) > 0 {
			fmt.Fprintf(&b, " · kinds: %s", printable.Line(strings.Join(r.Kinds, ", ")))
		}
		b.WriteString("\n\n" + printable.Text(strings.TrimSpace(r.Description)) + "\n")
		if r.Remediation != "" {
			fmt.Fprintf(&b, "\n**Fix:** %s\n", printable.Text(r.Remediation))
		}
		if r.ExampleConfig != "" {
			fmt.Fprintf(&b, "\nWith this `.tokenlint.yaml`:\n\n```yaml\n%s```\n", withNewline(printable.Text(r.ExampleConfig)))
		}
		if r.Example != "" {
			fmt.Fprintf(&b, "\nReported:\n\n```yaml\n%s```\n", withNewline(printable.Text(r.Example)))
		}
		if r.Fixed != "" {
			fmt.Fprintf(&b, "\nFixed:\n\n```yaml\n%s```\n", withNewline(printable.Text(r.Fixed)))
		}
		if r.URL != "" {
			fmt.Fprintf(&b, "\nMore: %s\n", printable.Line(r.URL))
		}
	}
	return b.String()
}

// anchor is the GitHub anchor of a rule's heading "### ID slug".
func anchor(r *analyzer.Rule) string {
	return strings.ToLower(r.ID) + "-" + r.Slug
}

func withNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}
