package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/warroom/warroom/bot"
)

// warroom outbox list [--dead] [--limit N] | retry ID|--all-dead | drop ID:
// the operator's view of the outbox and its dead letters (README.md,
// "Outbox").
func (c *cli) outbox(ctx context.Context, args []string) int {
	usage := func() int {
		fmt.Fprintln(c.stderr, "usage: warroom outbox list [--dead] [--limit N] | retry ID|--all-dead | drop ID")
		return exitUsage
	}
	if len(args) == 0 {
		return usage()
	}
	verb, args := args[0], args[1:]
	fs := c.flags("warroom outbox " + verb)
	dead := fs.Bool("dead", false, "list the dead letters instead of the jobs waiting for delivery")
	limit := fs.Int("limit", 100, "list at most `N` jobs (0: all)")
	allDead := fs.Bool("all-dead", false, "replay every dead letter")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	var id int64
	switch verb {
	case "list":
		if fs.NArg() != 0 || *allDead {
			return usage()
		}
	case "retry", "drop":
		if *dead || (verb == "drop" && *allDead) || (*allDead && fs.NArg() != 0) || (!*allDead && fs.NArg() != 1) {
			return usage()
		}
		if !*allDead {
			n, err := strconv.ParseInt(fs.Arg(0), 10, 64)
			if err != nil || n <= 0 {
				fmt.Fprintf(c.stderr, "warroom outbox %s: %q is not a job id\n", verb, fs.Arg(0))
				return exitUsage
			}
			id = n
		}
	default:
		return usage()
	}
	var (
		store bot.Store
		done  func()
	)
	if verb == "list" {
		var code int
		if _, store, done, code = c.openRead(ctx, "outbox list"); code != exitOK {
			return code
		}
	} else {
		var ok bool
		if _, store, done, ok = c.open(ctx, "outbox "+verb); !ok {
			return exitError
		}
	}
	defer done()
	now := time.Now()
	var err error
	switch {
	case verb == "list":
		err = c.listJobs(ctx, store, *dead, *limit, now)
	case verb == "retry" && *allDead:
		var n int
		if n, err = store.ReplayAllDead(ctx, now); err == nil {
			fmt.Fprintf(c.stdout, "%d dead letters queued again\n", n)
		}
	case verb == "retry":
		if err = store.ReplayDead(ctx, id, now); err == nil {
			fmt.Fprintf(c.stdout, "job %d queued again\n", id)
		}
	case verb == "drop":
		if err = store.DropDead(ctx, id); err == nil {
			fmt.Fprintf(c.stdout, "job %d dropped\n", id)
		}
	}
	if errors.Is(err, bot.ErrNotFound) {
		fmt.Fprintf(c.stderr, "warroom outbox %s: no dead letter %d\n", verb, id)
		return exitNotFound
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom outbox %s: %v\n", verb, err)
		return exitError
	}
	return exitOK
}

func (c *cli) listJobs(ctx context.Context, store bot.Store, dead bool, limit int, now time.Time) error {
	var (
		jobs []bot.Job
		err  error
	)
	if dead {
		jobs, err = store.DeadJobs(ctx, limit)
	} else {
		jobs, err = store.LiveJobs(ctx, limit)
	}
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tINCIDENT\tSTATUS\tATTEMPTS\tFAILURES\tDUE\tLAST ERROR")
	for _, j := range jobs {
		inc := "-"
		if j.Incident != 0 {
			inc = bot.FormatKey(j.Incident)
		}
		due := "-"
		if !dead {
			due = j.NextAt.Sub(now).Round(time.Second).String()
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", j.ID, j.Kind, inc, j.Status, j.Attempts, j.Failures, due, oneLine(j.LastError, 80))
	}
	return tw.Flush()
}

// oneLine is s on one line, cut to n runes.
func oneLine(s string, n int) string {
	r := []rune(s)
	for i, c := range r {
		if c == '\n' || c == '\r' || c == '\t' {
			r[i] = ' '
		}
	}
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return string(r)
}
