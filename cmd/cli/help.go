package cli

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// plainBool is a bool flag's value without pflag's IsBoolFlag, which pflag
// 1.1 (the version OPA requires) takes as its cue to print every bool flag
// in help as "--force[=true|false]". The flag still takes no value
// (NoOptDefVal stays "true") and still accepts --force=false.
type plainBool struct{ pflag.Value }

// plainBoolFlags makes the bool flags of cmd and its subcommands, cobra's
// own --help and those of its completion commands included, print as
// "-h, --help" and "--force". cobra adds its help flags, help command and
// completion command only when it runs, so they are added here first.
func plainBoolFlags(cmd *cobra.Command) {
	if cmd == cmd.Root() {
		cmd.InitDefaultHelpCmd()
		cmd.InitDefaultCompletionCmd()
		cmd.InitDefaultVersionFlag() // --version, once the root has a Version
	}
	cmd.InitDefaultHelpFlag()
	wrap := func(f *pflag.Flag) {
		if _, done := f.Value.(plainBool); !done && f.Value.Type() == "bool" {
			f.Value = plainBool{f.Value}
		}
	}
	cmd.Flags().VisitAll(wrap)
	cmd.PersistentFlags().VisitAll(wrap)
	for _, sub := range cmd.Commands() {
		plainBoolFlags(sub)
	}
}
