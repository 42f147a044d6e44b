package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tokenlint/tokenlint/internal/printable"
	"github.com/tokenlint/tokenlint/policies"
)

func newPolicyCommand(s Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Work with Rego policies",
	}
	var verbose bool
	test := &cobra.Command{
		Use:   "test PATH ...",
		Short: "Run the *_test.rego unit tests of the policies in PATH (files or directories)",
		Long: "Run the test_ rules of the *_test.rego files in each PATH, with the policies beside them and the\n" +
			"built-in policies and library (data.lib.kubernetes) compiled in, in the sandbox tokenlint lints with.\n" +
			"The policies' METADATA is checked first. Exit codes: 0 every test passed; 1 a test failed; 2 a policy\n" +
			"or test that does not load, or no tests found.",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError("policy test needs a PATH: a .rego file or a directory of policies and their *_test.rego tests")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			// The report shows test names, expressions and print output
			// of the policies: escaped, line by line.
			out := printable.NewWriter(s.Out)
			res, err := policies.RunTests(context.Background(), args, out, verbose)
			if flushErr := out.Flush(); err == nil {
				err = flushErr
			}
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			if !res.Ok() {
				return &exitError{code: ExitFindings, err: fmt.Errorf("%d of %d policy tests failed", res.Failed+res.Errored, res.Passed+res.Failed+res.Errored)}
			}
			return nil
		},
	}
	test.Flags().BoolVarP(&verbose, "verbose", "v", false, "list every test, not only failures")
	cmd.AddCommand(test)
	return cmd
}
