package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/storage/postgres"
	"github.com/warroom/warroom/storage/sqlite"
)

// route runs `warroom route --dry-run FILE.json [--source S]`: it decodes
// a sender's payload (any receiver's, detected from its shape unless named), routes its alerts with the configured rules and, when
// the database exists, says what would happen to each (reading only).
func (c *cli) route(ctx context.Context, args []string) int {
	fs := c.flags("warroom route")
	dry := fs.Bool("dry-run", false, "show what would happen; change nothing (required)")
	source := fs.String("source", "", "the payload's `sender`: "+strings.Join(sourceNames(), ", ")+" (default: detected)")
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return flagExit(err)
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if !*dry || len(files) != 1 {
		fmt.Fprintf(c.stderr, "usage: warroom route --dry-run FILE.json [--source %s] [--config FILE]\n", strings.Join(sourceNames(), "|"))
		return exitUsage
	}
	if *source != "" && !validSource(*source) {
		fmt.Fprintf(c.stderr, "warroom route: --source %q is not one of %s\n", *source, strings.Join(sourceNames(), ", "))
		return exitUsage
	}
	cfg, ok := c.load("route")
	if !ok {
		return exitError
	}
	body, err := os.ReadFile(files[0])
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom route: %v\n", err)
		return fileExit(err)
	}
	if *source == "" {
		if *source, err = detectSource(body, cfg); err != nil {
			fmt.Fprintf(c.stderr, "warroom route: %s: %v\n", files[0], err)
			return exitError
		}
	}
	decode, err := decoderFor(*source, cfg)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom route: %v\n", err)
		return exitUsage
	}
	alerts, err := decode(body)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom route: %s is not a %s payload: %v\n", files[0], *source, err)
		return exitError
	}
	store, note := openReadOnly(ctx, cfg)
	var decisions []bot.RouteDecision
	if store != nil {
		defer store.Close()
		svc, err := newRouteService(cfg, store)
		if err == nil {
			decisions, err = svc.Explain(ctx, alerts)
		}
		if err != nil {
			fmt.Fprintf(c.stderr, "warroom route: %v\n", err)
			return exitError
		}
	} else {
		svc, err := newRouteService(cfg, noStore{})
		if err != nil {
			fmt.Fprintf(c.stderr, "warroom route: %v\n", err)
			return exitError
		}
		decisions = svc.Route(alerts)
	}
	printDecisions(c.stdout, cfg, decisions, note)
	return exitOK
}

func newRouteService(cfg config.Config, store bot.Store) (*bot.Service, error) {
	return bot.NewService(bot.Config{Alerts: cfg.AlertConfig()}, store, nil)
}

// openReadOnly opens the configured database for reading, or says why not.
func openReadOnly(ctx context.Context, cfg config.Config) (bot.Store, string) {
	if cfg.DB.IsPostgres() {
		s, err := postgres.Open(ctx, postgres.Config{DSN: cfg.DB.Reveal(), MaxConns: 2, ReadOnly: true}, nil)
		if err != nil {
			return nil, fmt.Sprintf("database %s not read (%v): showing routing only", cfg.DB, err)
		}
		return s, ""
	}
	path := cfg.DB.Reveal()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Sprintf("no database at %s: showing routing only, not what would happen to open incidents", path)
	}
	s, err := sqlite.Open(ctx, sqlite.Config{Path: path, ReadOnly: true}, nil)
	if err != nil {
		return nil, fmt.Sprintf("database %s not read (%v): showing routing only", path, err)
	}
	return s, ""
}

// printDecisions writes one block per alert and a summary per group.
func printDecisions(w io.Writer, cfg config.Config, ds []bot.RouteDecision, note string) {
	if note != "" {
		fmt.Fprintln(w, "Note: "+note)
	}
	if len(cfg.Routes) == 0 {
		fmt.Fprintln(w, "No routes are configured: every alert takes the default route (the sender's group, severity from the severity label).")
	}
	fmt.Fprintf(w, "%d alerts\n\n", len(ds))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tALERT\tSTATUS\tROUTE\tGROUP\tSEVERITY\tSERVICE\tTICKETS\tWOULD")
	groups := map[string]int{}
	var order []string
	for i, d := range ds {
		name := d.Alert.Title
		if name == "" {
			name = d.Alert.Labels["alertname"]
		}
		would := d.Reason
		if would == "" {
			would = "declare or attach (no database to say which)"
			if !d.AutoDeclare {
				would = "record only: the route does not declare"
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", i+1, clipText(name, 40), d.Alert.Status, d.Route,
			clipText(d.GroupKey, 60), d.Severity, orDash(d.Service), routeTickets(cfg, d), would)
		if _, ok := groups[d.GroupKey]; !ok {
			order = append(order, d.GroupKey)
		}
		groups[d.GroupKey]++
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\n%d groups:\n", len(order))
	for _, g := range order {
		fmt.Fprintf(w, "  %s: %d alerts\n", g, groups[g])
	}
}

// routeTickets names where a decision's incident would get its tickets:
// the route's systems, else those its severity names, else "all".
func routeTickets(cfg config.Config, d bot.RouteDecision) string {
	t := d.Tickets
	if len(t) == 0 {
		t = cfg.TicketSystems[d.Severity]
	}
	if len(t) == 0 {
		return "all"
	}
	return strings.Join(t, ",")
}

func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// noStore stands in for the database when there is none: routing needs no
// store, and nothing calls it.
type noStore struct{ bot.Store }

var errNoStore = errors.New("no store")

func (noStore) Close() error { return errNoStore }
