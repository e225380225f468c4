// Command warroom is the ChatOps incident bot: `warroom serve` runs it,
// `migrate`, `config check` and `version` help operate it.
//
// This package is the only one that knows every other: it reads the
// configuration, builds the store, the domain service, the command router,
// the adapters and the outbox worker, and serves HTTP. Nothing imports it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // time zones for schedules and reports, even in a scratch image

	"github.com/warroom/warroom/config"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command failed: bad configuration, database, ...
	exitUsage = 2 // the command line is wrong, or the command is not in this release
)

// shutdownLimit is how long `serve` may take to stop after SIGTERM.
const shutdownLimit = 25 * time.Second

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, os.LookupEnv))
}

// cli is one invocation: where it writes and how it reads the environment.
type cli struct {
	stdout, stderr io.Writer
	lookup         func(string) (string, bool)
	configPath     string
}

// run executes the command line args and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, lookup func(string) (string, bool)) int {
	c := &cli{stdout: stdout, stderr: stderr, lookup: lookup}
	fs := c.flags("warroom")
	fs.Usage = func() { c.usage(stderr) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	rest := fs.Args()
	if len(rest) == 0 {
		c.usage(stderr)
		return exitUsage
	}
	name, rest := rest[0], rest[1:]
	switch name {
	case "serve":
		return c.serve(ctx, rest)
	case "migrate":
		return c.migrate(ctx, rest)
	case "config":
		if len(rest) == 0 || rest[0] != "check" {
			fmt.Fprintln(stderr, "usage: warroom config check [--config FILE]")
			return exitUsage
		}
		return c.configCheck(rest[1:])
	case "version":
		if err := c.parse("version", rest); err != nil {
			return flagExit(err)
		}
		fmt.Fprintln(stdout, readBuildInfo())
		return exitOK
	case "healthcheck": // healthcheck.go
		return c.healthcheck(ctx, rest)
	case "help":
		c.usage(stdout)
		return exitOK
	case "route":
		return c.route(ctx, rest)
	case "digest": // insightscli.go
		return c.digest(ctx, rest)
	case "postmortem":
		return c.postmortem(ctx, rest)
	case "export": // history.go
		return c.export(ctx, rest)
	case "import":
		return c.importHistory(ctx, rest)
	case "discord":
		fmt.Fprintf(stderr, "warroom %s: not in this release of warroom; it arrives in a later one\n", name)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "warroom: unknown command %q; run 'warroom help'\n", name)
		return exitUsage
	}
}

// flags is a flag set with the options every command shares.
func (c *cli) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&c.configPath, "config", c.configPath, "YAML configuration `file` (default $WARROOM_CONFIG)")
	return fs
}

// parse reads a command's flags; no positional arguments are allowed.
func (c *cli) parse(name string, args []string) error {
	fs := c.flags("warroom " + name)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "warroom %s: unexpected argument %q\n", name, fs.Arg(0))
		return errors.New("unexpected argument")
	}
	return nil
}

// flagExit is the exit code after a flag error: 0 for -h, else usage.
func flagExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}

// load reads the configuration, printing what is wrong.
func (c *cli) load(name string) (config.Config, bool) {
	cfg, err := config.Load(c.configPath, c.lookup)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom %s: invalid configuration:\n%v\n", name, err)
		return config.Config{}, false
	}
	return cfg, true
}

func (c *cli) serve(ctx context.Context, args []string) int {
	if err := c.parse("serve", args); err != nil {
		return flagExit(err)
	}
	cfg, ok := c.load("serve")
	if !ok {
		return exitError
	}
	log := newLogger(c.stderr, cfg.SlogLevel(), cfg.LogFormat)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan struct{})
	defer close(done)
	go watchdog(ctx, done, stop, log)

	app, err := Open(ctx, cfg, log)
	if err != nil {
		log.Error("start", "err", err)
		return exitError
	}
	runErr := app.Run(ctx)
	closeErr := app.Close()
	if err := errors.Join(runErr, closeErr); err != nil {
		log.Error("stopped with an error", "err", err)
		return exitError
	}
	log.Info("stopped")
	return exitOK
}

func (c *cli) migrate(ctx context.Context, args []string) int {
	if err := c.parse("migrate", args); err != nil {
		return flagExit(err)
	}
	cfg, ok := c.load("migrate")
	if !ok {
		return exitError
	}
	log := newLogger(c.stderr, cfg.SlogLevel(), cfg.LogFormat)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		log.Error("migrate", "err", err)
		return exitError
	}
	defer store.Close()
	if v, ok := store.(interface{ SchemaVersion() int64 }); ok {
		fmt.Fprintf(c.stdout, "database %s is at schema version %d\n", cfg.DB, v.SchemaVersion())
	} else {
		fmt.Fprintf(c.stdout, "database %s is migrated\n", cfg.DB)
	}
	return exitOK
}

func (c *cli) configCheck(args []string) int {
	if err := c.parse("config check", args); err != nil {
		return flagExit(err)
	}
	cfg, ok := c.load("config check")
	if !ok {
		return exitError
	}
	out, err := cfg.View()
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom config check: %v\n", err)
		return exitError
	}
	_, _ = c.stdout.Write(out)
	return exitOK
}

func (c *cli) usage(w io.Writer) {
	fmt.Fprint(w, `warroom: ChatOps for incident response

usage: warroom [--config FILE] COMMAND

commands:
  serve          run the bot: HTTP server, web console, JSON API, outbox worker
  migrate        apply database migrations, print the schema version and exit
  config check   validate the configuration and print it, secrets redacted
  version        print the version, commit and Go version
  route --dry-run FILE.json [--source alertmanager|grafana]
                 show how alerts would be routed and what would happen
  digest [--period 7d|30d|all] [--severity sev1,sev2] [--post]
                 print the KPI digest as markdown, or post it to the digest channels
  postmortem INC-42
                 print the postmortem draft of an incident as markdown
  export --format csv|json [--since DATE] [--output FILE]
                 incident history with times, durations and SLA columns
  import FILE    load history in the export's format (idempotent by key)
  healthcheck [--addr HOST:PORT] [--ready]
                 probe a running warroom's /healthz (or /readyz); exit 0 when healthy
  help           print this help

Not in this release yet: discord register.

The configuration is a YAML file (--config or WARROOM_CONFIG) plus environment
variables, which win. See deploy/warroom.example.yaml and the README.
`)
}

// watchdog enforces shutdownLimit: once ctx ends (the first signal) it
// restores the default signal handling, so a second signal kills at once,
// and exits the process if serve has not returned (closed done) in time.
func watchdog(ctx context.Context, done <-chan struct{}, stop func(), log *slog.Logger) {
	select {
	case <-done:
		return
	case <-ctx.Done():
	}
	stop()
	t := time.NewTimer(shutdownLimit)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		log.Error("shutdown took too long; exiting", "limit", shutdownLimit)
		os.Exit(exitError)
	}
}
