// Command warroom is the ChatOps incident bot: `warroom serve` runs it,
// the other commands (`warroom help` lists them) help operate it.
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
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // time zones for schedules and reports, even in a scratch image

	"github.com/warroom/warroom/config"
)

// Exit codes.
const (
	exitOK       = 0
	exitError    = 1 // the command failed: bad configuration, database, ...
	exitUsage    = 2 // the command line is wrong, or the command is not in this release
	exitNotFound = 3 // the incident, file or database named does not exist
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
	helpMode       bool // the command line asked for help: a flag set's Usage prints it
}

// run executes the command line args and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, lookup func(string) (string, bool)) int {
	c := &cli{stdout: stdout, stderr: stderr, lookup: lookup}
	return c.execute(ctx, args) // cli_root.go
}

// flags is a flag set with the options every command shares.
func (c *cli) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		if c.helpMode {
			c.commandHelp(strings.TrimPrefix(name, "warroom "), fs)
			return
		}
		fmt.Fprintf(c.stderr, "run '%s --help' for its usage\n", name)
	}
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
	// every command writes severities and statuses under their configured
	// names (exports, digests, the Discord choices)
	if err := applyNames(cfg); err != nil {
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
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go app.reloadOnSignal(ctx, hup, func() (config.Config, error) { return config.Load(c.configPath, c.lookup) }, log, nil)
	// Start-up is over: what it alone touched of the binary need not stay
	// resident (startpages_linux.go). Once more when the first rounds of
	// the background loops (the scheduler's first tick, the outbox
	// worker's first heartbeats, the first requests) are behind.
	releaseStartPages(log, "start-up")
	settled := time.AfterFunc(startSettle, func() { releaseStartPages(log, "first rounds") })
	defer settled.Stop()
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
