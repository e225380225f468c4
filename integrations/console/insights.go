package console

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
)

// Insighter builds the figures of a period: digest.Builder, the same
// computation as the chat digest and GET /api/v1/insights.
type Insighter interface {
	Build(ctx context.Context, o digest.Options) (*digest.Digest, error)
}

// insightsData is the insights page.
type insightsData struct {
	Catalog []listFilter // type and custom field filters (catalog.go)
	layout
	Periods  []option
	Custom   bool
	FromDate string // custom range, YYYY-MM-DD in TZ
	ToDate   string
	TZ       string
	Sevs     []option
	Services []option
	Sources  []option
	Range    string // the period as text
	Tiles    []tile
	SLA      []slaRow
	Noisy    []barRow
	Alerts   []barRow
	Heat     []heatRow
	Hours    []int
	Data     string // the figures as JSON, for the charts
	ListHref string // the incidents behind the page
	CSVHref  string
	Empty    bool
	// Problems are the problem figures and candidate problems (problems.go).
	Problems *problemInsights
}

type option struct {
	Value, Label string
	Selected     bool
}

// tile is one headline figure with its change against the previous period.
type tile struct {
	Label, Value, Change, Class, Href, Hint string
}

type slaRow struct {
	Severity string
	Href     string
	Cells    []string // acknowledge, resolve, update, postmortem
}

type barRow struct {
	Name string
	N    int64
	Max  int64
	Href string
}

type heatRow struct {
	Day   string
	Cells []heatCell
}

type heatCell struct {
	N     int64
	Level int    // 0–5, for the colour
	Href  string // the incidents behind the cell
}

// insightsOptions reads the page's query.
func (c *Console) insightsOptions(r *http.Request) (digest.Options, error) {
	q := r.URL.Query()
	// A custom range from the page's date inputs: whole days in tz.
	if q.Get("period") == "custom" && q.Get("from") == "" {
		return digest.Options{}, bot.Errorf(bot.CodeInvalid, "a custom range needs from and to")
	}
	loc := c.cfg.Location
	if tz := q.Get("tz"); tz != "" {
		if l, err := time.LoadLocation(tz); err == nil {
			loc = l
		}
	}
	for _, k := range []string{"from", "to"} {
		if s := q.Get(k); len(s) == len("2006-01-02") {
			d, err := time.ParseInLocation(time.DateOnly, s, loc)
			if err != nil {
				return digest.Options{}, bot.Errorf(bot.CodeInvalid, "%s %q is not a date", k, s)
			}
			if k == "to" {
				d = d.AddDate(0, 0, 1)
			}
			q.Set(k, d.Format(time.RFC3339))
		}
	}
	if q.Get("period") == "custom" {
		q.Del("period")
	}
	o, err := digest.ParseQuery(q, c.svc.Now(), c.cfg.Location)
	o.Sections = []string{digest.SectionChart, digest.SectionProblems}
	return o, err
}

func (c *Console) insights(w http.ResponseWriter, r *http.Request) {
	if c.cfg.Insights == nil {
		http.Error(w, "insights are not configured", http.StatusNotFound)
		return
	}
	ctx := r.Context()
	o, err := c.insightsOptions(r)
	if err != nil {
		c.fail(w, err)
		return
	}
	d, err := c.cfg.Insights.Build(ctx, o)
	if err != nil {
		c.fail(w, err)
		return
	}
	lay, err := c.frame(ctx, c.viewer(r), "Insights", "insights", "")
	if err != nil {
		c.fail(w, err)
		return
	}
	v := insightsView(lay, d)
	v.Catalog = c.catalogFilters(bot.IncidentQuery{Types: o.Types, Fields: o.Fields})
	c.render(w, http.StatusOK, "insights", v)
}

func insightsView(lay layout, d *digest.Digest) insightsData {
	o, rep := d.Options, d.Report
	in := digest.InsightsOf(d)
	loc := o.Location
	v := insightsData{layout: lay, TZ: loc.String(), Hours: make([]int, 24)}
	for i := range v.Hours {
		v.Hours[i] = i
	}
	for _, p := range digest.Periods {
		v.Periods = append(v.Periods, option{Value: p, Label: periodLabel(p), Selected: o.PeriodName == p})
	}
	v.Custom = o.PeriodName == "custom"
	v.Periods = append(v.Periods, option{Value: "custom", Label: "Custom range", Selected: v.Custom})
	v.FromDate = rep.From.In(loc).Format(time.DateOnly)
	v.ToDate = rep.To.Add(-time.Nanosecond).In(loc).Format(time.DateOnly)
	v.Range = rep.From.In(loc).Format("2 Jan 2006 15:04") + " → " + rep.To.In(loc).Format("2 Jan 2006 15:04") + " " + loc.String()
	for _, s := range bot.Severities {
		v.Sevs = append(v.Sevs, option{Value: s.String(), Label: s.String(), Selected: slices.Contains(o.Severities, s)})
	}
	v.Services = choices(o.Services, rep.Services)
	v.Sources = choices(o.Sources, rep.Sources)
	list := func(set func(url.Values)) string { return listHref(o, rep.From, rep.To, set) }
	v.ListHref = list(nil)
	q := digest.Values(o)
	q.Set("tz", loc.String())
	v.CSVHref = "/insights.csv?" + q.Encode()
	v.Empty = rep.Total == 0 && rep.OpenTotal == 0
	prev := rep.Previous
	var pAll kpi.SeverityRow
	var pTotal, pOpen int64
	var pActions bot.ActionCounts
	if prev != nil {
		pAll, pTotal, pOpen, pActions = prev.All, prev.Total, prev.OpenTotal, prev.Actions
	}
	count := func(label string, cur, before int64, href string, upIsBad bool) tile {
		t := tile{Label: label, Value: strconv.FormatInt(cur, 10), Href: href, Hint: fmt.Sprintf("previous period: %d", before)}
		t.Change, t.Class = change(float64(cur), float64(before), prev != nil && before > 0, upIsBad)
		return t
	}
	durT := func(label string, cur, before kpi.Stats, p90 bool) tile {
		a, b := cur.Median, before.Median
		if p90 {
			a, b = cur.P90, before.P90
		}
		t := tile{Label: label, Value: "—", Href: v.ListHref, Hint: "previous period: —"}
		if cur.N > 0 {
			t.Value = bot.FormatDuration(a)
		}
		if before.N > 0 {
			t.Hint = "previous period: " + bot.FormatDuration(b)
		}
		t.Change, t.Class = change(a.Seconds(), b.Seconds(), cur.N > 0 && before.N > 0, true)
		return t
	}
	pct := func(label string, cur, before kpi.Compliance) tile {
		t := tile{Label: label, Value: "—", Href: v.ListHref, Hint: fmt.Sprintf("met %d, missed %d, pending %d", cur.Met, cur.Missed, cur.Pending)}
		a, okA := cur.Percent()
		b, okB := before.Percent()
		if okA {
			t.Value = fmt.Sprintf("%.1f%%", a)
		}
		if okA && okB {
			t.Change, t.Class = points(a - b)
		}
		return t
	}
	v.Tiles = []tile{
		count("Incidents", rep.Total, pTotal, v.ListHref, true),
		durT("MTTA p50", rep.All.MTTA, pAll.MTTA, false),
		durT("MTTA p90", rep.All.MTTA, pAll.MTTA, true),
		durT("MTTR p50", rep.All.MTTR, pAll.MTTR, false),
		durT("MTTR p90", rep.All.MTTR, pAll.MTTR, true),
		pct("Acknowledge SLA", rep.All.Ack, pAll.Ack),
		pct("Resolve SLA", rep.All.Resolve, pAll.Resolve),
		pct("Update cadence SLA", rep.All.Update, pAll.Update),
		pct("Postmortem due SLA", rep.All.Postmortem, pAll.Postmortem),
		count("Open incidents", rep.OpenTotal, pOpen, openHref(o), true),
		count("Overdue action items", rep.Actions.Overdue, pActions.Overdue, actionsHref(o), true),
	}
	for _, row := range rep.Severities {
		sev := row.Severity.String()
		href := list(func(q url.Values) { q.Del("severity"); q.Set("severity", sev) })
		r := slaRow{Severity: sev, Href: href}
		for _, c := range []kpi.Compliance{row.Ack, row.Resolve, row.Update, row.Postmortem} {
			r.Cells = append(r.Cells, compliance(c))
		}
		v.SLA = append(v.SLA, r)
	}
	bars := func(ns []bot.NameCount, key string) []barRow {
		var out []barRow
		for _, n := range ns {
			b := barRow{Name: n.Name, N: n.N, Max: ns[0].N}
			if key != "" {
				b.Href = list(func(q url.Values) { q.Del(key); q.Set(key, n.Name) })
			}
			out = append(out, b)
		}
		return out
	}
	v.Noisy = bars(in.NoisiestServices, "service")
	v.Alerts = bars(in.NoisiestAlerts, "alert")
	if rep.Heatmap != nil {
		var top int64
		for _, day := range rep.Heatmap {
			for _, n := range day {
				top = max(top, n)
			}
		}
		// Monday first.
		for i := range 7 {
			wd := (i + 1) % 7
			row := heatRow{Day: time.Weekday(wd).String()[:3]}
			for hour, n := range rep.Heatmap[wd] {
				lvl := 0
				if n > 0 && top > 0 {
					lvl = 1 + int(4*n/top)
					lvl = min(lvl, 5)
				}
				cell := heatCell{N: n, Level: lvl}
				if n > 0 {
					cell.Href = list(func(q url.Values) {
						q.Set("weekday", strings.ToLower(row.Day))
						q.Set("hour", strconv.Itoa(hour))
						q.Set("tz", v.TZ)
					})
				}
				row.Cells = append(row.Cells, cell)
			}
			v.Heat = append(v.Heat, row)
		}
	}
	in.Previous = nil
	b, _ := json.Marshal(struct {
		*digest.Insights
		List string `json:"list"`
	}{in, v.ListHref})
	v.Data = string(b)
	v.Problems = problemInsightsView(in.Problems, list)
	return v
}

func periodLabel(p string) string {
	switch p {
	case "quarter":
		return "This quarter"
	}
	return "Last " + p
}

// choices are a filter's options: the values of the period plus those
// chosen.
func choices(chosen []string, rows []kpi.Row) []option {
	var out []option
	seen := map[string]bool{}
	for _, c := range chosen {
		out = append(out, option{Value: c, Label: c, Selected: true})
		seen[c] = true
	}
	for _, r := range rows {
		if r.Name != "" && !seen[r.Name] {
			out = append(out, option{Value: r.Name, Label: r.Name})
			seen[r.Name] = true
		}
	}
	slices.SortFunc(out, func(a, b option) int {
		if a.Value < b.Value {
			return -1
		}
		if a.Value > b.Value {
			return 1
		}
		return 0
	})
	return out
}

// change is the relative change, and whether it is good or bad news.
func change(cur, before float64, ok, upIsBad bool) (string, string) {
	if !ok || before == 0 {
		return "", ""
	}
	p := 100 * (cur - before) / before
	switch {
	case p > 0.05:
		if upIsBad {
			return fmt.Sprintf("▲ %.0f%%", p), "worse"
		}
		return fmt.Sprintf("▲ %.0f%%", p), "better"
	case p < -0.05:
		if upIsBad {
			return fmt.Sprintf("▼ %.0f%%", -p), "better"
		}
		return fmt.Sprintf("▼ %.0f%%", -p), "worse"
	}
	return "=", ""
}

// points is a change of a percentage, in percentage points.
func points(d float64) (string, string) {
	switch {
	case d > 0.05:
		return fmt.Sprintf("▲ %.1f pt", d), "better"
	case d < -0.05:
		return fmt.Sprintf("▼ %.1f pt", -d), "worse"
	}
	return "=", ""
}

func compliance(c kpi.Compliance) string {
	p, ok := c.Percent()
	if !ok {
		if c.Pending > 0 {
			return fmt.Sprintf("— (%d pending)", c.Pending)
		}
		return "—"
	}
	return fmt.Sprintf("%.1f%% (%d/%d)", p, c.Met, c.Total())
}

// listHref links to the incident list filtered to the incidents declared
// in [from, to) that match o's filters; set adjusts the query.
func listHref(o digest.Options, from, to time.Time, set func(url.Values)) string {
	q := optionValues(o)
	q.Set("status", "all")
	q.Set("from", from.UTC().Format(time.RFC3339))
	q.Set("to", to.UTC().Format(time.RFC3339))
	if set != nil {
		set(q)
	}
	return "/incidents?" + q.Encode()
}

// openHref links to the open incidents matching o's filters.
func openHref(o digest.Options) string {
	q := optionValues(o)
	q.Set("status", "open")
	return "/incidents?" + q.Encode()
}

// actionsHref links to the overdue action items of incidents matching o's
// filters: the overdue-actions tile.
func actionsHref(o digest.Options) string {
	q := optionValues(o)
	q.Set("overdue", "1")
	return "/actions?" + q.Encode()
}

// optionValues are o's filters as the incident and action lists take
// them.
func optionValues(o digest.Options) url.Values {
	q := url.Values{}
	for _, s := range o.Severities {
		q.Add("severity", s.String())
	}
	for _, s := range o.Services {
		q.Add("service", s)
	}
	for _, s := range o.Sources {
		q.Add("source", s)
	}
	for _, s := range o.Types {
		q.Add("type", s)
	}
	for name, v := range o.Fields {
		q.Set("field."+name, v)
	}
	return q
}
