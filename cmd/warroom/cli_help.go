package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
)

// exitCodes is the table every help ends with; the README repeats it.
const exitCodes = `Exit codes:
  0  success
  1  runtime error: invalid configuration, database or network failure
  2  usage: the command line is wrong, or the command is not in this release
  3  not found: the incident, the file or the database named does not exist
`

// commandHelp prints a command's help to stdout: what it does, its
// arguments, the flags of its flag set, the environment it reads.
func (c *cli) commandHelp(name string, fs *flag.FlagSet) {
	var spec cliCommand
	for _, s := range cliCommands() {
		if s.name == name {
			spec = s
		}
	}
	w := c.stdout
	fmt.Fprintf(w, "warroom %s: %s\n\nUsage:\n  warroom %s %s\n", name, spec.short, name, spec.usage)
	if spec.long != "" {
		fmt.Fprintf(w, "\n%s\n", wrap(spec.long, 78))
	}
	table(w, "Arguments", spec.args)
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(c.stderr)
	table(w, "Environment", spec.env)
	fmt.Fprintf(w, "\n%s", exitCodes)
}

// table prints "Title:" and tab-separated rows aligned.
func table(w io.Writer, title string, rows []string) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s:\n", title)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintf(tw, "  %s\n", r)
	}
	_ = tw.Flush()
}

// wrap breaks text into lines of at most width runes at spaces.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for _, word := range strings.Fields(text) {
		if n > 0 && n+1+len([]rune(word)) > width {
			b.WriteByte('\n')
			n = 0
		} else if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len([]rune(word))
	}
	return b.String()
}

// usage is warroom's own help: the commands, the configuration, the exit codes.
func (c *cli) usage(w io.Writer) {
	fmt.Fprint(w, "warroom: ChatOps for incident response\n\nusage: warroom [--config FILE] COMMAND [ARGS]\n       warroom COMMAND --help\n       warroom --version\n\nCommands:\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, s := range cliCommands() {
		fmt.Fprintf(tw, "  %s\t%s\n", s.name, s.short)
	}
	fmt.Fprintf(tw, "  %s\t%s\n", "completion SHELL", "print the shell completion script: bash, zsh, fish or powershell")
	fmt.Fprintf(tw, "  %s\t%s\n", "help [COMMAND]", "print this help, or a command's")
	_ = tw.Flush()
	fmt.Fprint(w, `
The configuration is a YAML file (--config or WARROOM_CONFIG) plus environment
variables, which win. See deploy/warroom.example.yaml and the README.

`+exitCodes)
}

// fileExit is the exit code after failing to read a named file: not found
// when it does not exist.
func fileExit(err error) int {
	if errors.Is(err, os.ErrNotExist) {
		return exitNotFound
	}
	return exitError
}
