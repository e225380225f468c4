package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/history"
)

// export: warroom export [--format csv|json|bundle] [--audit] [--since DATE] [--output FILE].
func (c *cli) export(ctx context.Context, args []string) int {
	fs := c.flags("warroom export")
	format := fs.String("format", "csv", "`csv`, json or bundle (the whole history, for warroom import)")
	audit := fs.Bool("audit", false, "write the audit records instead of the incidents (csv or json)")
	since := fs.String("since", "", "only incidents declared (audit records made) on or after `DATE` (2026-01-01 or RFC 3339)")
	output := fs.String("output", "", "write to `FILE` instead of standard output")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	switch {
	case *format != "csv" && *format != "json" && *format != "bundle":
		fmt.Fprintf(c.stderr, "warroom export: --format %q is not csv, json or bundle\n", *format)
		return exitUsage
	case *format == "bundle" && (*audit || *since != ""):
		fmt.Fprintln(c.stderr, "warroom export: a bundle holds the whole history, the audit included: --audit and --since do not apply to it")
		return exitUsage
	}
	var from time.Time
	if *since != "" {
		t, err := history.ParseTime(*since)
		if err != nil {
			fmt.Fprintf(c.stderr, "warroom export: --since: %v\n", err)
			return exitUsage
		}
		from = t
	}
	cfg, store, done, code := c.openRead(ctx, "export")
	if code != exitOK {
		return code
	}
	defer done()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	var w io.Writer = c.stdout
	if *output != "" {
		f, err := os.Create(*output)
		if err != nil {
			fmt.Fprintf(c.stderr, "warroom export: %v\n", err)
			return exitError
		}
		defer f.Close()
		w = f
	}
	progress := c.progress("export")
	var (
		n    int
		what = "incidents"
		err  error
	)
	switch {
	case *format == "bundle":
		var counts history.Counts
		counts, err = history.ExportBundle(ctx, store, w, history.BundleOptions{Progress: progress})
		n, what = counts.Total(), "rows ("+countsText(counts)+")"
	case *audit:
		n, err = history.ExportAudit(ctx, store, w, history.AuditOptions{Format: *format, Since: from, Progress: progress})
		what = "audit records"
	default:
		people, _ := bot.NewPeople(cfg.PeopleList()) // checked when the configuration loaded
		names := bot.NewNames(store, people, 0, nil, nil)
		names.Load(ctx) // the stored names; an export asks no platform
		n, err = history.Export(ctx, store, w, history.ExportOptions{Format: *format, Since: from, Now: time.Now().UTC(), Fields: cfg.FieldDefs(),
			SLAs: cfg.SLAs, Progress: progress, Names: names.Name})
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom export: %v\n", err)
		return exitError
	}
	fmt.Fprintf(c.stderr, "warroom export: %d %s\n", n, what)
	return exitOK
}

// importHistory: warroom import [--format csv|json|bundle] FILE.
func (c *cli) importHistory(ctx context.Context, args []string) int {
	fs := c.flags("warroom import")
	format := fs.String("format", "", "`csv`, json or bundle (default: a bundle by its first line, else by the file's extension)")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(c.stderr, "usage: warroom import FILE")
		return exitUsage
	}
	path := fs.Arg(0)
	f, err := os.Open(path) // before a database is created for nothing
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom import: %v\n", err)
		return fileExit(err)
	}
	defer f.Close()
	if *format == "" {
		*format = sniffFormat(f, path)
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			fmt.Fprintf(c.stderr, "warroom import: %v\n", err)
			return exitError
		}
	}
	if *format != "csv" && *format != "json" && *format != "bundle" {
		fmt.Fprintf(c.stderr, "warroom import: --format %q is not csv, json or bundle\n", *format)
		return exitUsage
	}
	_, store, done, ok := c.open(ctx, "import")
	if !ok {
		return exitError
	}
	defer done()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	progress := c.progress("import")
	if *format == "bundle" {
		counts, err := history.ImportBundle(ctx, store, f, history.BundleOptions{Name: path, Progress: progress})
		if err != nil {
			fmt.Fprintf(c.stderr, "warroom import: %v\n", err)
			return exitError
		}
		fmt.Fprintf(c.stdout, "imported %d rows from %s: %s\n", counts.Total(), path, countsText(counts))
		return exitOK
	}
	res, err := history.Import(ctx, store, f, history.ImportOptions{Name: path, Format: *format, Now: time.Now().UTC(),
		Report: c.stderr, Progress: progress})
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom import: %v\n", err)
		return exitError
	}
	fmt.Fprintf(c.stdout, "imported %d incidents from %s: %d new, %d updated, %d unchanged\n",
		res.Created+res.Updated+res.Unchanged, path, res.Created, res.Updated, res.Unchanged)
	return exitOK
}

// sniffFormat names the format of an import file: a bundle when its first
// line is a bundle's header, else JSON or CSV by the extension.
func sniffFormat(f io.Reader, path string) string {
	head, _ := bufio.NewReader(f).Peek(64)
	if strings.HasPrefix(strings.TrimSpace(string(head)), `{"format":"`+history.BundleFormat+`"`) {
		return "bundle"
	}
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return "json"
	}
	return "csv"
}

// countsText lists a bundle's rows per section: "7 incident, 68 timeline_entry, ...".
func countsText(counts history.Counts) string {
	var parts []string
	for _, name := range history.Sections() {
		parts = append(parts, fmt.Sprintf("%d %s", counts[name], name))
	}
	return strings.Join(parts, ", ")
}

// progress reports a long export's or import's progress on standard
// error, one line rewritten in place, when standard error is a terminal;
// nil (nothing) otherwise, so that a pipe or a log file stays clean.
func (c *cli) progress(name string) history.Progress {
	if !isTerminal(c.stderr) {
		return nil
	}
	return progressLine(c.stderr, name)
}

// progressLine writes "\rwarroom NAME: 12000 of 50000 rows imported (24%)".
func progressLine(w io.Writer, name string) history.Progress {
	return func(phase string, done, total int, final bool) {
		line := fmt.Sprintf("\rwarroom %s: %d rows %s", name, done, phase)
		if total > 0 && !final {
			line = fmt.Sprintf("\rwarroom %s: %d of %d rows %s (%d%%)", name, done, total, phase, done*100/total)
		}
		line += "\x1b[K" // erase what a longer line left
		if final {
			line += "\n"
		}
		fmt.Fprint(w, line)
	}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
