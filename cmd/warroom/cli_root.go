package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// exitErr carries a command's exit code out of cobra.
type exitErr int

func (e exitErr) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// cliCommand is one subcommand: its help and what runs it. The command parses
// its own flags with the standard flag package (c.flags), so every flag
// spelling that worked before still does (-config, --config=FILE, flags
// after the arguments).
type cliCommand struct {
	name  string   // "serve", "config check"
	usage string   // after "warroom NAME": "[--config FILE] INC-42"
	short string   // one line
	long  string   // what it does, a paragraph or two
	args  []string // "INC-42\tthe incident's key", one line each
	env   []string // "WARROOM_DB\twhere the incidents are", one line each
	run   func(c *cli, ctx context.Context, args []string) int
	// complete offers completions for the arguments (nil: files).
	complete func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective)
}

// newRoot is the command tree: cobra dispatches, prints help and version,
// and offers shell completion; each command reads its own arguments.
func newRoot(ctx context.Context, c *cli) *cobra.Command {
	root := &cobra.Command{
		Use:               "warroom",
		Short:             "ChatOps for incident response",
		Version:           readBuildInfo().String(),
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unknown command %q; run 'warroom help'", args[0])
			}
			return nil
		},
		RunE: func(*cobra.Command, []string) error {
			c.usage(c.stderr)
			return exitErr(exitUsage)
		},
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetOut(c.stdout)
	root.SetErr(c.stderr)
	root.PersistentFlags().StringVar(&c.configPath, "config", "", "YAML configuration `file` (default $WARROOM_CONFIG)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		fmt.Fprintf(c.stderr, "warroom: %v; run 'warroom help'\n", err)
		return exitErr(exitUsage)
	})
	byName := map[*cobra.Command]cliCommand{}
	groups := map[string]*cobra.Command{}
	for _, spec := range cliCommands() {
		parent := root
		leaf := spec.name
		if group, sub, ok := strings.Cut(spec.name, " "); ok {
			if groups[group] == nil {
				groups[group] = &cobra.Command{Use: group, Short: spec.short,
					RunE: func(cmd *cobra.Command, args []string) error {
						fmt.Fprintf(c.stderr, "usage: warroom %s %s\n", group, strings.Join(subNames(cmd), "|"))
						return exitErr(exitUsage)
					}}
				root.AddCommand(groups[group])
			}
			parent, leaf = groups[group], sub
		}
		cmd := &cobra.Command{
			Use:                leaf + " " + spec.usage,
			Short:              spec.short,
			Long:               spec.long,
			DisableFlagParsing: true,
			ValidArgsFunction:  spec.complete,
			RunE: func(_ *cobra.Command, args []string) error {
				c.helpMode = wantsHelp(args)
				if code := spec.run(c, ctx, args); code != exitOK {
					return exitErr(code)
				}
				return nil
			},
		}
		byName[cmd] = spec
		parent.AddCommand(cmd)
	}
	root.SetHelpFunc(func(cmd *cobra.Command, _ []string) {
		spec, ok := byName[cmd]
		if !ok {
			c.usage(c.stdout)
			return
		}
		c.helpMode = true
		_ = spec.run(c, ctx, []string{"-h"})
	})
	return root
}

// subNames lists a group's subcommands.
func subNames(cmd *cobra.Command) []string {
	var out []string
	for _, s := range cmd.Commands() {
		out = append(out, s.Name())
	}
	return out
}

// wantsHelp reports whether the arguments ask for help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if slices.Contains([]string{"-h", "-help", "--help", "--h"}, a) {
			return true
		}
	}
	return false
}

// execute runs the command line and returns the exit code.
func (c *cli) execute(ctx context.Context, args []string) int {
	root := newRoot(ctx, c)
	if args == nil {
		args = []string{} // nil would make cobra read os.Args
	}
	root.SetArgs(args)
	err := root.Execute()
	var code exitErr
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &code):
		return int(code)
	default: // cobra's own: an unknown command or flag
		fmt.Fprintf(c.stderr, "warroom: %v\n", err)
		return exitUsage
	}
}
