package kpi

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/warroom/warroom/bot"
)

// Input is what Aggregate sums up in memory.
type Input struct {
	Incidents []*bot.Incident
	// Timelines holds incidents' entries by number; only sla_breached and
	// reopened entries matter. Missing timelines count as empty.
	Timelines map[int64][]bot.Entry
	Actions   []bot.ActionItem
	// Alerts are the names of the alerts received in the period, one per
	// alert, for the noisiest-alerts list.
	Alerts []string
	// AlertGroups maps alert groups to the incidents their alerts of the
	// period opened, for recurring groups.
	AlertGroups map[string][]int64
}

// Aggregate sums incidents up in memory, as Collect does from a store.
// Durations are exact here (no histogram rounding).
func Aggregate(in Input, q bot.KPIQuery) *bot.KPIAggregates {
	a := newAccumulator(q, false)
	ages := map[[2]int]int64{}
	for _, inc := range in.Incidents {
		if !q.Matches(inc.Severity, inc.Service, inc.Source) {
			continue
		}
		if inc.Status.Open() && inc.DeclaredAt.Before(q.To) {
			ages[[2]int{int(inc.Severity), ageBucket(q.Now.Sub(inc.DeclaredAt))}]++
		}
		if inc.DeclaredAt.Before(q.From) || !inc.DeclaredAt.Before(q.To) {
			continue
		}
		row := RowOf(inc)
		a.add(&row)
		for _, e := range in.Timelines[inc.Number] {
			if e.Kind == bot.EntryReopened {
				a.agg.Reopened++
				break
			}
		}
		if bot.InMaintenance(q.Maintenance, inc.DeclaredAt, inc.Service) {
			continue
		}
		seen := map[string]bool{}
		for _, e := range in.Timelines[inc.Number] {
			if e.Kind != bot.EntrySLABreached || seen[e.Data["sla"]] {
				continue
			}
			seen[e.Data["sla"]] = true
			if a.agg.Breaches[inc.Severity] == nil {
				a.agg.Breaches[inc.Severity] = map[string]int64{}
			}
			a.agg.Breaches[inc.Severity][e.Data["sla"]]++
		}
	}
	agg := a.finish()
	for k, n := range ages {
		agg.Open = append(agg.Open, bot.AgeCount{Severity: bot.Severity(k[0]), Bucket: k[1], N: n})
	}
	sort.Slice(agg.Open, func(i, j int) bool {
		x, y := agg.Open[i], agg.Open[j]
		return x.Severity < y.Severity || x.Severity == y.Severity && x.Bucket < y.Bucket
	})
	actions := in.Actions
	if len(q.Severities)+len(q.Services)+len(q.Sources) > 0 {
		matched := map[int64]bool{}
		for _, inc := range in.Incidents {
			matched[inc.Number] = q.Matches(inc.Severity, inc.Service, inc.Source)
		}
		actions = nil
		for _, a := range in.Actions {
			if matched[a.Incident] {
				actions = append(actions, a)
			}
		}
	}
	agg.Actions = countActions(actions, q)
	names := map[string]int64{}
	for _, al := range in.Alerts {
		names[al]++
	}
	agg.Alerts = topNames(names, topN(q))
	groups := map[string]int64{}
	for g, incs := range in.AlertGroups {
		distinct := map[int64]bool{}
		for _, n := range incs {
			distinct[n] = true
		}
		if len(distinct) > 1 {
			groups[g] = int64(len(distinct))
		}
	}
	agg.RecurringGroups = topNames(groups, topN(q))
	return agg
}

// Collect sums the incidents of q up from a store: one streaming pass over
// KPIRows (memory grows with services and histogram buckets, never with
// incidents), plus the store's SQL aggregates of the rest. Durations are
// kept in histogram buckets (bot.DurationBucketMid), so percentiles are
// within 0.8%; counts, means and SLA figures are exact.
func Collect(ctx context.Context, r bot.KPIReader, q bot.KPIQuery) (*bot.KPIAggregates, error) {
	return CollectWith(ctx, r, q, nil)
}

// CollectWith is Collect that also adds every incident it reads to occ
// (nil: none), by service, so that the candidate problems need not read
// them again.
func CollectWith(ctx context.Context, r bot.KPIReader, q bot.KPIQuery, occ Occurrences) (*bot.KPIAggregates, error) {
	agg, err := collectRows(ctx, r, q, occ)
	if err != nil {
		return nil, err
	}
	if q.CountsOnly {
		return agg, nil
	}
	x, err := r.KPIExtras(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("sum up incidents: %w", err)
	}
	agg.Open, agg.Breaches, agg.Reopened, agg.Alerts, agg.Actions = x.Open, x.Breaches, x.Reopened, x.Alerts, x.Actions
	agg.RecurringGroups = x.RecurringGroups
	if agg.Breaches == nil {
		agg.Breaches = map[bot.Severity]map[string]int64{}
	}
	return agg, nil
}

// RowOf is an incident as KPIs see it.
func RowOf(inc *bot.Incident) bot.KPIRow {
	r := bot.KPIRow{Severity: inc.Severity, Service: inc.Service, Source: inc.Source, StartedAt: inc.StartedAt, DeclaredAt: inc.DeclaredAt}
	if inc.AcknowledgedAt != nil {
		r.AcknowledgedAt = *inc.AcknowledgedAt
	}
	if inc.ResolvedAt != nil {
		r.ResolvedAt = *inc.ResolvedAt
	}
	return r
}

// slaOutcome decides the acknowledge and resolve SLAs of one incident at now.
func slaOutcome(inc *bot.Incident, sla bot.SLA, now time.Time) (ack, res Compliance) {
	r := RowOf(inc)
	return rowOutcome(&r, sla, now)
}

// rowOutcome decides the acknowledge and resolve SLAs of one row at now.
// An incident resolved without an acknowledgement counts as acknowledged
// when it resolved.
func rowOutcome(r *bot.KPIRow, sla bot.SLA, now time.Time) (ack, res Compliance) {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	if t := sla.Acknowledge; t > 0 {
		at := opt(r.AcknowledgedAt)
		if at == nil {
			at = opt(r.ResolvedAt)
		}
		ack = decide(r.DeclaredAt, at, t, now)
	}
	if t := sla.Resolve; t > 0 {
		res = decide(r.DeclaredAt, opt(r.ResolvedAt), t, now)
	}
	return ack, res
}

// decide: met when done within target; missed when done late, or not
// done and the target has passed at now; neither while still in time.
func decide(from time.Time, done *time.Time, target time.Duration, now time.Time) Compliance {
	switch {
	case done != nil && done.Sub(from) <= target:
		return Compliance{Met: 1}
	case done != nil:
		return Compliance{Missed: 1}
	case now.Sub(from) > target:
		return Compliance{Missed: 1}
	}
	return Compliance{}
}

func countActions(items []bot.ActionItem, q bot.KPIQuery) bot.ActionCounts {
	var c bot.ActionCounts
	for i := range items {
		a := &items[i]
		if !a.CreatedAt.Before(q.From) && a.CreatedAt.Before(q.To) {
			c.Opened++
		}
		if a.DoneAt != nil && !a.DoneAt.Before(q.From) && a.DoneAt.Before(q.To) {
			c.Closed++
		}
		if a.Overdue(q.Now) {
			c.Overdue++
		}
	}
	return c
}

// ageBucket is the index in bot.AgeBuckets of an open incident's age.
func ageBucket(age time.Duration) int {
	for i, b := range bot.AgeBuckets {
		if age < b {
			return i
		}
	}
	return len(bot.AgeBuckets)
}

// bucketOf is the chart bucket holding t, or -1.
func bucketOf(bounds []time.Time, t time.Time) int {
	if len(bounds) < 2 || t.Before(bounds[0]) || !t.Before(bounds[len(bounds)-1]) {
		return -1
	}
	i := sort.Search(len(bounds), func(i int) bool { return bounds[i].After(t) })
	return i - 1
}

func topN(q bot.KPIQuery) int {
	if q.Top <= 0 {
		return 5
	}
	return q.Top
}

// topNames lists the n most frequent names, most first, then by name.
func topNames(m map[string]int64, n int) []bot.NameCount {
	out := make([]bot.NameCount, 0, len(m))
	for k, v := range m {
		out = append(out, bot.NameCount{Name: k, N: v})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].N > out[j].N || out[i].N == out[j].N && out[i].Name < out[j].Name
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func groupLess(a, b bot.KPIGroup) bool {
	if a.Severity != b.Severity {
		return a.Severity < b.Severity
	}
	if a.Service != b.Service {
		return a.Service < b.Service
	}
	return a.Source < b.Source
}

// SLA outcomes of one incident, as exports show them.
const (
	OutcomeMet     = "met"
	OutcomeMissed  = "missed"
	OutcomePending = "pending" // still inside its target
	OutcomeNone    = "none"    // no target
)

// Outcomes decides an incident's acknowledge and resolve SLAs at now.
func Outcomes(inc *bot.Incident, sla bot.SLA, now time.Time) (ack, resolve string) {
	a, r := slaOutcome(inc, sla, now)
	name := func(c Compliance, target time.Duration) string {
		switch {
		case target <= 0:
			return OutcomeNone
		case c.Met > 0:
			return OutcomeMet
		case c.Missed > 0:
			return OutcomeMissed
		}
		return OutcomePending
	}
	return name(a, sla.Acknowledge), name(r, sla.Resolve)
}
