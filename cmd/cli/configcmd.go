package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/tokenlint/tokenlint/config"
	"github.com/tokenlint/tokenlint/internal/printable"
)

func newConfigCommand(s Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Write a starting .tokenlint.yaml, show a run's effective configuration, or print the file's JSON Schema",
	}
	cmd.AddCommand(newConfigInitCommand(s), newConfigPrintCommand(s), newConfigSchemaCommand(s))
	return cmd
}

func newConfigInitCommand(s Streams) *cobra.Command {
	var force bool
	var policyPaths []string
	cmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented .tokenlint.yaml listing every key and every rule with its default (FILE, or - for standard output)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := Catalog(policyPaths...)
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			data := config.Init(config.RuleNames(reg.Rules()))
			file := config.FileNames[0]
			if len(args) == 1 {
				file = args[0]
			}
			if file == "-" {
				_, err := s.Out.Write(data)
				return err
			}
			if len(args) == 0 && !force {
				for _, other := range config.FileNames[1:] {
					if _, err := os.Stat(other); err == nil {
						return usageError("%s exists, and both names in one directory is an error: edit it, or give --force to write %s anyway", other, file)
					}
				}
			}
			flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if force {
				flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			f, err := os.OpenFile(file, flags, 0o644)
			if errors.Is(err, fs.ErrExist) {
				return usageError("%s exists: give --force to overwrite it", file)
			}
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			if _, err := f.Write(data); err != nil {
				f.Close()
				return &exitError{code: ExitError, err: err}
			}
			if err := f.Close(); err != nil {
				return &exitError{code: ExitError, err: err}
			}
			fmt.Fprintf(s.Err, "wrote %s\n", printable.Line(file))
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite FILE if it exists")
	cmd.Flags().StringArrayVar(&policyPaths, "policy", nil, "also list the rules of the Rego policies in this file or directory (repeatable)")
	return cmd
}

func newConfigPrintCommand(s Streams) *cobra.Command {
	var o lintOptions
	cmd := &cobra.Command{
		Use:   "print",
		Short: "Print the effective configuration of a run: the configuration file with the flags given merged over it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.changed = cmd.Flags().Changed
			workdir := s.Workdir
			if workdir == "" {
				workdir, _ = os.Getwd()
			}
			rc, err := resolve(s, o, workdir)
			if err != nil {
				return err
			}
			from := "no configuration file"
			if rc.file != nil {
				from = "from " + printable.Line(rc.file.File) // a YAML comment: one line
			}
			fmt.Fprintf(s.Out, "# the effective configuration: %s, with the flags given\n", from)
			_, err = s.Out.Write(rc.effective.Marshal())
			return err
		},
	}
	addLintFlags(cmd, &o)
	return cmd
}

func newConfigSchemaCommand(s Streams) *cobra.Command {
	var policyPaths []string
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of .tokenlint.yaml, for editors using yaml-language-server",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			reg, err := Catalog(policyPaths...)
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			_, err = s.Out.Write(config.Schema(config.RuleNames(reg.Rules())))
			return err
		},
	}
	cmd.Flags().StringArrayVar(&policyPaths, "policy", nil, "also name the rules of the Rego policies in this file or directory (repeatable)")
	return cmd
}
