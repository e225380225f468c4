package console

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
)

// insightsCSV downloads the figures the insights page shows, one per row:
// section, severity, name, value, previous.
func (c *Console) insightsCSV(w http.ResponseWriter, r *http.Request) {
	if c.cfg.Insights == nil {
		http.Error(w, "insights are not configured", http.StatusNotFound)
		return
	}
	o, err := c.insightsOptions(r)
	if err != nil {
		c.fail(w, err)
		return
	}
	d, err := c.cfg.Insights.Build(r.Context(), o)
	if err != nil {
		c.fail(w, err)
		return
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	for _, row := range insightsRows(digest.InsightsOf(d)) {
		_ = cw.Write(row)
	}
	cw.Flush()
	name := "warroom-insights-" + d.Report.From.In(o.Location).Format("20060102") + "-" + d.Report.To.In(o.Location).Format("20060102") + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// insightsRows flattens the figures: a header, then section, severity,
// name, value and the previous period's value (empty when none).
func insightsRows(in *digest.Insights) [][]string {
	p := in.Previous
	if p == nil {
		p = &digest.Insights{}
	}
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	rows := [][]string{{"section", "severity", "name", "value", "previous"}}
	add := func(section, sev, name, v, prev string) { rows = append(rows, []string{section, sev, name, v, prev}) }
	add("period", "", "from", in.From.Format(time.RFC3339), p.From.Format(time.RFC3339))
	add("period", "", "to", in.To.Format(time.RFC3339), p.To.Format(time.RFC3339))
	add("incidents", "", "total", i(in.Incidents.Total), i(p.Incidents.Total))
	add("incidents", "", "in_maintenance", i(in.Incidents.InMaintenance), i(p.Incidents.InMaintenance))
	for _, s := range bot.Severities {
		if n, ok := in.Incidents.BySeverity[s.String()]; ok {
			add("incidents", s.String(), "total", i(n), i(p.Incidents.BySeverity[s.String()]))
		}
	}
	for _, m := range []struct {
		name    string
		cur, pr digest.Seconds
	}{{"mtta_seconds", in.MTTASeconds, p.MTTASeconds}, {"mttr_seconds", in.MTTRSeconds, p.MTTRSeconds}} {
		add(m.name, "", "n", i(m.cur.N), i(m.pr.N))
		add(m.name, "", "p50", f(m.cur.P50), f(m.pr.P50))
		add(m.name, "", "p90", f(m.cur.P90), f(m.pr.P90))
		add(m.name, "", "mean", f(m.cur.Mean), f(m.pr.Mean))
	}
	sla := func(sev string, cur, pr map[string]kpi.Compliance) {
		for _, k := range []string{digest.SLAAcknowledge, digest.SLAResolve, digest.SLAUpdate, digest.SLAPostmortem} {
			add("sla", sev, k+"_met", i(cur[k].Met), i(pr[k].Met))
			add("sla", sev, k+"_missed", i(cur[k].Missed), i(pr[k].Missed))
			add("sla", sev, k+"_pending", i(cur[k].Pending), i(pr[k].Pending))
		}
	}
	sla("all", in.SLAAll, p.SLAAll)
	for _, s := range bot.Severities {
		if cur, ok := in.SLA[s.String()]; ok {
			sla(s.String(), cur, p.SLA[s.String()])
		}
	}
	add("open_incidents", "", "total", i(in.OpenIncidents), i(p.OpenIncidents))
	add("action_items", "", "opened", i(in.ActionItems.Opened), i(p.ActionItems.Opened))
	add("action_items", "", "closed", i(in.ActionItems.Closed), i(p.ActionItems.Closed))
	add("action_items", "", "overdue", i(in.ActionItems.Overdue), i(p.ActionItems.Overdue))
	for _, b := range in.Series {
		day := b.Start.Format(time.RFC3339)
		for _, s := range bot.Severities {
			add("series", s.String(), day, i(b.BySeverity[s.String()]), "")
		}
		add("series_mtta_seconds", "", day+" p50", f(b.MTTASeconds.P50), "")
		add("series_mtta_seconds", "", day+" p90", f(b.MTTASeconds.P90), "")
		add("series_mttr_seconds", "", day+" p50", f(b.MTTRSeconds.P50), "")
		add("series_mttr_seconds", "", day+" p90", f(b.MTTRSeconds.P90), "")
	}
	for _, n := range in.NoisiestServices {
		add("noisiest_services", "", defuse(n.Name), i(n.N), "")
	}
	for _, n := range in.NoisiestAlerts {
		add("noisiest_alerts", "", defuse(n.Name), i(n.N), "")
	}
	if in.Heatmap != nil {
		for wd, hours := range in.Heatmap {
			for h, n := range hours {
				add("heatmap", "", time.Weekday(wd).String()+" "+strconv.Itoa(h)+":00 "+in.TimeZone, i(n), "")
			}
		}
	}
	return rows
}

// defuse keeps a spreadsheet from running a cell as a formula.
func defuse(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
