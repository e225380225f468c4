package bot

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// KPI metrics: the three durations of an incident (see Incident.TimeToDetect
// and README.md, "Incident model in brief").
const (
	MetricDetect  = "detect"  // MTTD: declared − started
	MetricAck     = "ack"     // MTTA: acknowledged − declared
	MetricResolve = "resolve" // MTTR: resolved − declared
)

// Process SLA names, as recorded in sla_breached timeline entries
// (Data["sla"]) and timers.
const (
	SLAAck        = "ack"
	SLAResolve    = "resolve"
	SLAUpdate     = "update"
	SLAPostmortem = "postmortem"
)

// KPIQuery says which incidents a KPI aggregate covers: those declared in
// [From, To), of Severities, Services and Sources (each empty: all).
type KPIQuery struct {
	From, To   time.Time
	Severities []Severity
	Services   []string
	Sources    []string
	// Types and Fields filter by incident type and custom field values,
	// as IncidentQuery's do.
	Types  []string
	Fields map[string]string
	// Buckets are the chart's bucket boundaries, ascending (len n+1 for n
	// buckets); none: no series.
	Buckets []time.Time
	// SLAs are the targets compliance is measured against.
	SLAs map[Severity]SLA
	// Maintenance windows: incidents declared inside one (and matching its
	// service= matcher, when it has one) are left out of SLA compliance.
	Maintenance []MaintenanceWindow
	// Now is when open incidents' ages and overdue actions are measured.
	Now time.Time
	// Top is how many noisiest alerts to list (0: 5).
	Top int
	// CountsOnly asks for Groups' counts alone (the previous period of a
	// digest): KPIRows may then fill in Severity, Service and Source only.
	CountsOnly bool
	// Heatmap, when set, asks for the hour × weekday counts of when the
	// incidents were declared, in this zone.
	Heatmap *time.Location
	// Numbers asks KPIRows to fill in each row's Number and DeclaredAt
	// (CountsOnly too), for the candidate problems.
	Numbers bool
	// Tiles asks for the figures of the insights tiles alone (the
	// previous period of the insights): counts, SLA compliance and MTTA
	// and MTTR by severity, no MTTD and no durations by service. KPIRows
	// may then leave StartedAt zero.
	Tiles bool
}

// Matches reports whether an incident of (severity, service, source)
// passes the query's filters (not its period).
func (q KPIQuery) Matches(sev Severity, service, source string) bool {
	in := func(xs []string, x string) bool {
		if len(xs) == 0 {
			return true
		}
		for _, v := range xs {
			if v == x {
				return true
			}
		}
		return false
	}
	if len(q.Severities) > 0 {
		ok := false
		for _, s := range q.Severities {
			ok = ok || s == sev
		}
		if !ok {
			return false
		}
	}
	return in(q.Services, service) && in(q.Sources, source)
}

// KPIGroup counts the incidents of one (severity, service, source).
type KPIGroup struct {
	Severity Severity `json:"severity"`
	Service  string   `json:"service"`
	Source   string   `json:"source"`
	Count    int64    `json:"count"`
	Acked    int64    `json:"acked"`
	Resolved int64    `json:"resolved"`
	// Exact sums for means, in microseconds.
	SumDetect  int64 `json:"sum_detect"`
	SumAck     int64 `json:"sum_ack"`
	SumResolve int64 `json:"sum_resolve"`
	// SLA outcomes, maintenance excluded. Met and missed are decided;
	// an incident still inside its target is neither.
	AckMet, AckMissed         int64 `json:"-"`
	ResolveMet, ResolveMissed int64 `json:"-"`
	InMaintenance             int64 `json:"in_maintenance"`
}

// DurationBucket is one bar of a duration histogram: N incidents of
// (Metric, Severity, Service) whose duration rounds down to Value.
type DurationBucket struct {
	Metric   string        `json:"metric"`
	Severity Severity      `json:"severity"`
	Service  string        `json:"service"`
	Value    time.Duration `json:"value"`
	N        int64         `json:"n"`
}

// SeriesPoint is one severity's incidents in chart bucket Bucket.
type SeriesPoint struct {
	Bucket     int      `json:"bucket"`
	Severity   Severity `json:"severity"`
	Count      int64    `json:"count"`
	Resolved   int64    `json:"resolved"`
	SumResolve int64    `json:"sum_resolve"` // microseconds
}

// SeriesDuration is one bar of a chart bucket's duration histogram: N
// incidents declared in bucket Bucket whose Metric rounds to Value.
type SeriesDuration struct {
	Bucket int           `json:"bucket"`
	Metric string        `json:"metric"`
	Value  time.Duration `json:"value"`
	N      int64         `json:"n"`
}

// Heatmap counts incidents by the weekday (0 Sunday) and hour they were
// declared at.
type Heatmap [7][24]int64

// AgeCount counts open incidents of a severity by age bucket (AgeBuckets).
type AgeCount struct {
	Severity Severity `json:"severity"`
	Bucket   int      `json:"bucket"`
	N        int64    `json:"n"`
}

// AgeBuckets are the upper bounds of the open-incident age buckets; the
// last bucket is everything older.
var AgeBuckets = []time.Duration{time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}

// NameCount is a name and how often it occurred.
type NameCount struct {
	Name string `json:"name"`
	N    int64  `json:"n"`
}

// ActionCounts are the action items opened and closed in a period and
// overdue at its end.
type ActionCounts struct {
	Opened  int64 `json:"opened"`
	Closed  int64 `json:"closed"`
	Overdue int64 `json:"overdue"`
}

// KPIAggregates is what the store sums up for a KPIQuery; bot/kpi turns it
// into a report. Nothing in it grows with the number of incidents.
type KPIAggregates struct {
	Groups    []KPIGroup       `json:"groups"`
	Durations []DurationBucket `json:"durations"`
	// Breaches counts incidents with an sla_breached entry, by severity
	// and SLA name (update, postmortem), maintenance excluded.
	Breaches map[Severity]map[string]int64 `json:"breaches"`
	Series   []SeriesPoint                 `json:"series"`
	// SeriesDurations are the MTTA and MTTR histograms of each chart bucket.
	SeriesDurations []SeriesDuration `json:"series_durations,omitempty"`
	// Heatmap is filled when the query asks for it.
	Heatmap *Heatmap    `json:"heatmap,omitempty"`
	Open    []AgeCount  `json:"open"`
	Alerts  []NameCount `json:"alerts"` // noisiest alert names
	// RecurringGroups are alert groups that opened more than one incident
	// in the period, most first.
	RecurringGroups []NameCount  `json:"recurring_groups,omitempty"`
	Actions         ActionCounts `json:"actions"`
	// Reopened counts incidents of the period that were reopened.
	Reopened int64 `json:"reopened"`
}

// KPIRow is what the KPIs read of one incident.
type KPIRow struct {
	Severity        Severity
	Service, Source string
	StartedAt       time.Time
	DeclaredAt      time.Time
	AcknowledgedAt  time.Time // zero: not acknowledged
	ResolvedAt      time.Time // zero: not resolved
	// Number is the incident's number (0 where a reader does not say).
	Number int64
}

// KPIReader reads what KPIs are computed from, without loading every
// incident into memory.
type KPIReader interface {
	// KPIRows calls fn for every incident declared in [q.From, q.To) of
	// q.Severities, reading a covering index; rows arrive grouped by
	// service and source, in no other order.
	KPIRows(ctx context.Context, q KPIQuery, fn func(r *KPIRow) error) error
	// KPIExtras sums up what is not a column of the incident, in SQL:
	// Open (ages at q.Now), Breaches and Reopened (of the period's
	// incidents, maintenance excluded), Alerts, RecurringGroups and
	// Actions. Groups, Durations and Series stay empty.
	KPIExtras(ctx context.Context, q KPIQuery) (*KPIAggregates, error)
}

// DurationBucketOf rounds d down to its histogram bucket: whole seconds
// below 128 s, then 64 buckets per doubling (under 1.6% apart). The SQL
// stores use the same rule.
func DurationBucketOf(d time.Duration) time.Duration {
	s := int64(d / time.Second)
	if s < 128 {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	w := int64(2) // width for [128, 256)
	for lim := int64(256); s >= lim && lim < 1<<40; lim *= 2 {
		w *= 2
	}
	return time.Duration(s/w*w) * time.Second
}

// DurationBucketMid is the middle of d's histogram bucket, the value a
// bucket stands for (within 0.8% of every duration in it).
func DurationBucketMid(d time.Duration) time.Duration {
	lo := DurationBucketOf(d)
	if lo < 128*time.Second {
		return lo
	}
	w := 2 * time.Second
	for lim := 256 * time.Second; lo >= lim; lim *= 2 {
		w *= 2
	}
	return lo + w/2
}

// InMaintenance reports whether an incident declared at t for service
// falls in one of ws: inside the window, and matched by all of its
// matchers, read against what an incident carries (its service). A window
// on other labels (team=net) matches the alerts it suppresses, never a
// whole incident: one that names no service leaves out only incidents its
// matchers allow whatever the labels (none for team=net), so a manual
// incident is never left out of the SLA figures by a window on another
// team's alerts.
func InMaintenance(ws []MaintenanceWindow, t time.Time, service string) bool {
	for _, w := range ws {
		if t.Before(w.StartsAt) || !t.Before(w.End()) {
			continue
		}
		if WindowExcludes(w, service) {
			return true
		}
	}
	return false
}

// noteMaintenance records on a new incident's timeline each active
// maintenance window that leaves it out of SLA figures, so that no
// incident is left out silently.
func (s *Service) noteMaintenance(ctx context.Context, c *change) error {
	ws, err := c.tx.ActiveMaintenance(ctx, c.now)
	if err != nil {
		return fmt.Errorf("read maintenance windows: %w", err)
	}
	for _, w := range ws {
		if WindowExcludes(w, c.inc.Service) {
			c.record(EntryNote, fmt.Sprintf("Declared during maintenance window #%d: left out of SLA figures", w.ID),
				map[string]string{"maintenance": strconv.FormatInt(w.ID, 10)})
		}
	}
	return nil
}

// WindowExcludes reports whether w's matchers all hold for an incident of
// service (its only label): the incidents w leaves out of SLA figures.
func WindowExcludes(w MaintenanceWindow, service string) bool {
	return MatchAll(w.Matchers, map[string]string{"service": service}) // a window without matchers: everything
}

// WindowService returns the service a window is limited to, when it has
// a service=X matcher.
func WindowService(w MaintenanceWindow) (string, bool) {
	for _, m := range w.Matchers {
		if m.Name == "service" && m.Op == "=" {
			return m.Value, true
		}
	}
	return "", false
}
