package digest

import (
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/kpi"
)

// Insights is a digest's figures as the JSON API, the console's insights
// page, its CSV and `warroom digest --format json` show them: one
// computation (Builder.Build), several views. Durations are in seconds.
type Insights struct {
	From     time.Time       `json:"from"`
	To       time.Time       `json:"to"`
	Period   string          `json:"period"`
	TimeZone string          `json:"time_zone"`
	Filters  InsightsFilters `json:"filters"`

	Incidents   IncidentCounts `json:"incidents"`
	MTTASeconds Seconds        `json:"mtta_seconds"`
	MTTRSeconds Seconds        `json:"mttr_seconds"`
	// SLA is keyed by severity (SEV1…), then by acknowledge, resolve,
	// update and postmortem.
	SLA map[string]map[string]kpi.Compliance `json:"sla"`
	// SLAAll is every severity together.
	SLAAll        map[string]kpi.Compliance `json:"sla_all"`
	OpenIncidents int64                     `json:"open_incidents"`
	ActionItems   bot.ActionCounts          `json:"action_items"`

	Series           []SeriesBucket  `json:"series"`
	NoisiestServices []bot.NameCount `json:"noisiest_services"`
	NoisiestAlerts   []bot.NameCount `json:"noisiest_alerts"`
	// Heatmap counts incidents by weekday (0 Sunday) and hour declared, in
	// TimeZone; nil when not asked for.
	Heatmap *bot.Heatmap `json:"heatmap,omitempty"`

	// Problems are the problem figures: open problems, overdue problem
	// action items, each problem's linked incidents and the candidate
	// problems (not filtered by service, severity or source); absent
	// when not asked for (and in Previous).
	Problems *bot.ProblemInsights `json:"problems,omitempty"`

	// Previous is the period before, computed the same way, when asked for.
	Previous *Insights `json:"previous,omitempty"`
}

// InsightsFilters echoes the filters applied.
type InsightsFilters struct {
	Service  []string `json:"service"`
	Severity []string `json:"severity"`
	Source   []string `json:"source"`
}

// IncidentCounts are the incidents declared in the period.
type IncidentCounts struct {
	Total         int64            `json:"total"`
	BySeverity    map[string]int64 `json:"by_severity"`
	InMaintenance int64            `json:"in_maintenance"`
}

// Seconds are a duration metric's percentiles and mean, in seconds; N is
// how many incidents were measured.
type Seconds struct {
	N    int64   `json:"n"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	Mean float64 `json:"mean"`
}

// SeriesBucket is one chart bucket (a day, or a week or month for long
// periods).
type SeriesBucket struct {
	Start       time.Time        `json:"start"`
	End         time.Time        `json:"end"`
	BySeverity  map[string]int64 `json:"by_severity"`
	MTTASeconds Seconds          `json:"mtta_seconds"`
	MTTRSeconds Seconds          `json:"mttr_seconds"`
}

// SLA kinds as the insights name them.
const (
	SLAAcknowledge = "acknowledge"
	SLAResolve     = "resolve"
	SLAUpdate      = "update"
	SLAPostmortem  = "postmortem"
)

func seconds(s kpi.Stats) Seconds {
	return Seconds{N: s.N, P50: s.Median.Seconds(), P90: s.P90.Seconds(), Mean: s.Mean.Seconds()}
}

func slaOf(row kpi.SeverityRow) map[string]kpi.Compliance {
	return map[string]kpi.Compliance{SLAAcknowledge: row.Ack, SLAResolve: row.Resolve, SLAUpdate: row.Update, SLAPostmortem: row.Postmortem}
}

// InsightsOf turns a built digest into its insights figures.
func InsightsOf(d *Digest) *Insights {
	o := d.Options
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	in := insightsOf(d.Report, o, loc)
	in.Problems = d.Problems
	if d.Report.Previous != nil {
		in.Previous = insightsOf(*d.Report.Previous, o, loc)
	}
	return in
}

func insightsOf(r kpi.Report, o Options, loc *time.Location) *Insights {
	in := &Insights{
		From: r.From, To: r.To, TimeZone: loc.String(),
		Period:      periodName(o),
		Filters:     InsightsFilters{Service: nonNil(o.Services), Source: nonNil(o.Sources), Severity: []string{}},
		Incidents:   IncidentCounts{Total: r.Total, BySeverity: map[string]int64{}, InMaintenance: r.InMaintenance},
		MTTASeconds: seconds(r.All.MTTA), MTTRSeconds: seconds(r.All.MTTR),
		SLA: map[string]map[string]kpi.Compliance{}, SLAAll: slaOf(r.All),
		OpenIncidents: r.OpenTotal, ActionItems: r.Actions,
		Series: []SeriesBucket{}, NoisiestServices: nonNilNC(r.NoisyServices), NoisiestAlerts: nonNilNC(r.NoisyAlerts),
		Heatmap: r.Heatmap,
	}
	if in.Heatmap != nil && o.HeatmapLocation != nil {
		in.TimeZone = o.HeatmapLocation.String()
	}
	for _, s := range o.Severities {
		in.Filters.Severity = append(in.Filters.Severity, s.String())
	}
	for _, row := range r.Severities {
		in.Incidents.BySeverity[row.Severity.String()] = row.Count
		in.SLA[row.Severity.String()] = slaOf(row)
	}
	for _, b := range r.Series {
		sb := SeriesBucket{Start: b.Start, End: b.End, BySeverity: map[string]int64{}, MTTASeconds: seconds(b.Ack), MTTRSeconds: seconds(b.Res)}
		for _, s := range bot.Severities {
			sb.BySeverity[s.String()] = b.Counts[s]
		}
		in.Series = append(in.Series, sb)
	}
	return in
}

func periodName(o Options) string {
	switch {
	case o.PeriodName != "":
		return o.PeriodName
	case !o.From.IsZero():
		return "custom"
	}
	return kpi.FormatPeriod(o.Period)
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func nonNilNC(xs []bot.NameCount) []bot.NameCount {
	if xs == nil {
		return []bot.NameCount{}
	}
	return xs
}
