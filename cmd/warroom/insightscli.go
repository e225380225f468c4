package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/engine/digests"
	"github.com/warroom/warroom/integrations/chart"
)

// open loads the configuration and opens the database for a one-shot
// command; close releases both.

func (c *cli) open(ctx context.Context, name string) (config.Config, bot.Store, func(), bool) {
	cfg, ok := c.load(name)
	if !ok {
		return config.Config{}, nil, nil, false
	}
	log := newLogger(c.stderr, cfg.SlogLevel(), cfg.LogFormat)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom %s: %v\n", name, err)
		return config.Config{}, nil, nil, false
	}

	return cfg, store, func() { _ = store.Close() }, true
}

// digest: warroom digest [--period 7d] [--severity sev1,sev2] [--sections a,b] [--post]
// [--format markdown|json] [--now T] [--service a,b] [--source s].
func (c *cli) digest(ctx context.Context, args []string) int {
	fs := c.flags("warroom digest")
	period := fs.String("period", "7d", "the `period` the digest covers: 7d, 30d, 90d, quarter (json), 12h or all")
	sevs := fs.String("severity", "", "comma-separated `severities` to include (default all)")
	services := fs.String("service", "", "comma-separated `services` to include (default all)")
	sources := fs.String("source", "", "comma-separated `sources` to include (default all)")
	format := fs.String("format", "markdown", "`markdown` or json (the figures of GET /api/v1/insights)")
	nowFlag := fs.String("now", "", "compute the figures at `time` (RFC 3339) instead of now, for reproducible reports")
	sections := fs.String("sections", "", "comma-separated `sections` (default all: "+strings.Join(digest.AllSections, ",")+")")
	post := fs.Bool("post", false, "also post it to every configured digest channel (the running server delivers it)")
	chartFile := fs.String("chart", "", "write the chart PNG to `file`")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if *format != "markdown" && *format != "json" {
		fmt.Fprintf(c.stderr, "warroom digest: --format %q is not markdown or json\n", *format)
		return exitUsage
	}
	var end time.Time
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintf(c.stderr, "warroom digest: --now %q is not RFC 3339 (2026-05-04T09:00:00Z)\n", *nowFlag)
			return exitUsage
		}
		end = t.UTC().Truncate(time.Microsecond)
	}
	if *format == "json" {
		return c.digestJSON(ctx, url.Values{"period": {*period}, "severity": {*sevs}, "service": {*services},
			"source": {*sources}, "now": {*nowFlag}})
	}
	p, err := kpi.ParsePeriod(*period)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom digest: --period: %v\n", bot.ErrorMessage(err))
		return exitUsage
	}
	o := digest.Options{Period: p, End: end, Services: splitList(*services), Sources: splitList(*sources)}
	for _, s := range splitList(*sevs) {
		sev, err := bot.ParseSeverity(s)
		if err != nil {
			fmt.Fprintf(c.stderr, "warroom digest: --severity: %v\n", bot.ErrorMessage(err))
			return exitUsage
		}
		o.Severities = append(o.Severities, sev)
	}
	if o.Sections, err = digest.ParseSections(splitList(*sections)); err != nil {
		fmt.Fprintf(c.stderr, "warroom digest: --sections: %v\n", err)
		return exitUsage
	}
	var (
		cfg   config.Config
		store bot.Store
		done  func()
	)
	if *post { // queues outbox rows: the database is written
		var ok bool
		if cfg, store, done, ok = c.open(ctx, "digest"); !ok {
			return exitError
		}
	} else {
		var code int
		if cfg, store, done, code = c.openRead(ctx, "digest"); code != exitOK {
			return code
		}
	}
	defer done()
	o.Location = cfg.Insights.Calendar.Location
	var scheds []digest.Schedule
	for _, d := range cfg.Insights.Digests {
		scheds = append(scheds, d.Schedule())
	}
	runner, err := digests.NewRunner(digests.RunnerConfig{Schedules: scheds, Targets: chatTargets(cfg), Owner: "warroom digest"},
		store, digest.NewBuilder(store, cfg.SLAs, chart.Draw).WithCandidates(cfg.Insights.Problems.Rule()), nil)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom digest: %v\n", err)
		return exitError
	}
	d, err := runner.Build(ctx, o)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom digest: %v\n", err)
		return exitError
	}
	if *post {
		chans := runner.Channels()
		if len(chans) == 0 {
			fmt.Fprintln(c.stderr, "warroom digest: --post needs a digests section with a channel in the configuration")
			return exitError
		}
		// Each configured channel, on its digest's platforms.
		if _, err := (digests.Command{Runner: runner, Defaults: o}).Digest(ctx, p, "", ""); err != nil {
			fmt.Fprintf(c.stderr, "warroom digest: post: %v\n", err)
			return exitError
		}
		for _, ch := range chans {
			fmt.Fprintf(c.stderr, "warroom digest: queued for #%s\n", ch)
		}
	}
	if *chartFile != "" && d.Chart != nil {
		if err := os.WriteFile(*chartFile, d.Chart, 0o644); err != nil {
			fmt.Fprintf(c.stderr, "warroom digest: %v\n", err)
			return exitError
		}
		d.ChartFile = *chartFile
	} else {
		d.Chart = nil // the markdown names no chart file that was not written
	}
	fmt.Fprint(c.stdout, digest.Markdown(d))
	return exitOK
}

// digestJSON prints the figures GET /api/v1/insights answers for the same
// parameters: the same options (digest.ParseQuery), the same computation.
func (c *cli) digestJSON(ctx context.Context, v url.Values) int {
	cfg, store, done, code := c.openRead(ctx, "digest")
	if code != exitOK {
		return code
	}
	defer done()
	o, err := digest.ParseQuery(v, time.Now(), cfg.Insights.Calendar.Location)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom digest: %v\n", bot.ErrorMessage(err))
		return exitUsage
	}
	o.Sections = []string{digest.SectionChart, digest.SectionProblems}
	d, err := digest.NewBuilder(store, cfg.SLAs, nil).WithCandidates(cfg.Insights.Problems.Rule()).Build(ctx, o)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom digest: %v\n", err)
		return exitError
	}
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(digest.InsightsOf(d)); err != nil {
		fmt.Fprintf(c.stderr, "warroom digest: %v\n", err)
		return exitError
	}
	return exitOK
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// postmortem: warroom postmortem INC-42.
func (c *cli) postmortem(ctx context.Context, args []string) int {
	fs := c.flags("warroom postmortem")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(c.stderr, "usage: warroom postmortem INC-42")
		return exitUsage
	}
	n, err := bot.ParseKey(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom postmortem: %s\n", bot.ErrorMessage(err))
		return exitUsage
	}
	cfg, store, done, code := c.openRead(ctx, "postmortem")
	if code != exitOK {
		return code
	}
	defer done()
	ic, err := serviceInsights(cfg)
	if err == nil && ic.Postmortem == nil {
		err = errors.New("postmortem drafts are off (postmortem.off)")
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom postmortem: %v\n", err)
		return exitError
	}
	svc, err := bot.NewService(bot.Config{SLAs: cfg.SLAs, Roles: cfg.Roles, Insights: ic, PublicURL: cfg.PublicURL,
		Types: cfg.IncidentTypes(), Fields: cfg.FieldDefs()}, store, nil)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom postmortem: %v\n", err)
		return exitError
	}
	md, err := svc.DraftPostmortem(ctx, n)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom postmortem: %s\n", bot.ErrorMessage(err))
		if bot.ErrorCode(err) == bot.CodeNotFound {
			return exitNotFound
		}
		return exitError
	}
	fmt.Fprint(c.stdout, md)
	return exitOK
}
