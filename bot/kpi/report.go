package kpi

import (
	"sort"
	"time"

	"github.com/warroom/warroom/bot"
)

// Report is a period's KPIs, ready to render.
type Report struct {
	From, To time.Time
	Total    int64 // incidents declared in the period
	Prev     int64 // in the period before
	// Severities has one row per severity (in the filter), most severe first.
	Severities []SeverityRow
	Services   []Row // by count, most first
	Sources    []Row // by count, most first
	Open       []OpenRow
	// NoisyAlerts and NoisyServices are the most frequent alert names and
	// the services with the most incidents.
	NoisyAlerts   []bot.NameCount
	NoisyServices []bot.NameCount
	// Recurring lists services with more than one incident in the period;
	// RecurringGroups the alert groups that opened more than one.
	Recurring       []bot.NameCount
	RecurringGroups []bot.NameCount
	Reopened        int64
	Actions         bot.ActionCounts
	// InMaintenance counts incidents left out of SLA figures.
	InMaintenance int64
	Series        []Bucket
	// All is every severity together.
	All SeverityRow
	// Heatmap counts the period's incidents by weekday and hour declared,
	// when the query asked for it.
	Heatmap *bot.Heatmap
	// OpenTotal is the open incidents at the period's end.
	OpenTotal int64
	// Previous is the report of the period before for the insights'
	// tiles (bot.KPIQuery.Tiles: no MTTD, services without durations);
	// nil when only its counts were computed.
	Previous *Report
}

// SeverityRow is one severity's counts, durations and SLA compliance.
type SeverityRow struct {
	Severity         bot.Severity
	Count, Prev      int64
	InMaintenance    int64
	MTTD, MTTA, MTTR Stats
	Ack, Resolve     Compliance
	Update           Compliance
	Postmortem       Compliance
}

// Row is a service's or source's counts and durations.
type Row struct {
	Name        string
	Count, Prev int64
	MTTA, MTTR  Stats
}

// OpenRow counts open incidents of a severity by age bucket
// (bot.AgeBuckets, then older).
type OpenRow struct {
	Severity bot.Severity
	ByAge    []int64
}

// Bucket is one chart bucket: incidents by severity and the MTTR of those
// resolved.
type Bucket struct {
	Start, End time.Time
	Counts     map[bot.Severity]int64
	MTTR       time.Duration // mean of the resolved; 0 when none
	Resolved   int64
	// Ack and Res are the MTTA and MTTR of the bucket's incidents.
	Ack, Res Stats
}

// Change is the difference between the period and the one before, as a
// percentage, and false when the previous period had none.
func Change(cur, prev int64) (float64, bool) {
	if prev == 0 {
		return 0, false
	}
	return 100 * float64(cur-prev) / float64(prev), true
}

// Build turns the aggregates of a period (and of the period before; nil
// for none) into a Report.
func Build(cur, prev *bot.KPIAggregates, q bot.KPIQuery) Report {
	r := Report{From: q.From, To: q.To, Actions: cur.Actions, NoisyAlerts: cur.Alerts, Reopened: cur.Reopened,
		RecurringGroups: cur.RecurringGroups}
	sevs := q.Severities
	if len(sevs) == 0 {
		sevs = bot.Severities
	}
	rows := map[bot.Severity]*SeverityRow{}
	for _, s := range sevs {
		rows[s] = &SeverityRow{Severity: s}
	}
	type acc struct {
		count, prev int64
		mtta, mttr  dist
	}
	services, sources := map[string]*acc{}, map[string]*acc{}
	get := func(m map[string]*acc, k string) *acc {
		if m[k] == nil {
			m[k] = &acc{}
		}
		return m[k]
	}
	sevDist := map[string]map[bot.Severity]*dist{}
	allDist := map[string]*dist{}
	for _, metric := range []string{bot.MetricDetect, bot.MetricAck, bot.MetricResolve} {
		sevDist[metric] = map[bot.Severity]*dist{}
		allDist[metric] = &dist{}
		for _, s := range sevs {
			sevDist[metric][s] = &dist{}
		}
	}
	for _, g := range cur.Groups {
		row := rows[g.Severity]
		if row == nil {
			continue
		}
		row.Count += g.Count
		row.Ack.add(Compliance{Met: g.AckMet, Missed: g.AckMissed})
		row.Resolve.add(Compliance{Met: g.ResolveMet, Missed: g.ResolveMissed})
		row.InMaintenance += g.InMaintenance
		r.InMaintenance += g.InMaintenance
		sevDist[bot.MetricDetect][g.Severity].sum += g.SumDetect
		sevDist[bot.MetricAck][g.Severity].sum += g.SumAck
		sevDist[bot.MetricResolve][g.Severity].sum += g.SumResolve
		allDist[bot.MetricDetect].sum += g.SumDetect
		allDist[bot.MetricAck].sum += g.SumAck
		allDist[bot.MetricResolve].sum += g.SumResolve
		sv := get(services, g.Service)
		sv.count += g.Count
		sv.mtta.sum += g.SumAck
		sv.mttr.sum += g.SumResolve
		get(sources, g.Source).count += g.Count
		// Update cadence and postmortem: every incident with a target is
		// met unless it has a breach (counted below).
		sla := q.SLAs[g.Severity]
		decided := g.Count - g.InMaintenance
		if sla.UpdateCadence > 0 {
			row.Update.Met += decided
		}
		if sla.PostmortemDue > 0 {
			row.Postmortem.Met += g.Resolved // approximately: resolved ones are due
		}
	}
	for sev, m := range cur.Breaches {
		row := rows[sev]
		if row == nil {
			continue
		}
		move := func(c *Compliance, n int64) {
			n = min(n, c.Met)
			c.Met -= n
			c.Missed += n
		}
		move(&row.Update, m[bot.SLAUpdate])
		move(&row.Postmortem, m[bot.SLAPostmortem])
	}
	for _, d := range cur.Durations {
		m := sevDist[d.Metric]
		if m == nil || m[d.Severity] == nil {
			continue
		}
		m[d.Severity].add(d.Value, d.N)
		allDist[d.Metric].add(d.Value, d.N)
		if q.Tiles {
			continue // kept by severity only
		}
		sv := get(services, d.Service)
		switch d.Metric {
		case bot.MetricAck:
			sv.mtta.add(d.Value, d.N)
		case bot.MetricResolve:
			sv.mttr.add(d.Value, d.N)
		}
	}
	if prev != nil {
		for _, g := range prev.Groups {
			if row := rows[g.Severity]; row != nil {
				row.Prev += g.Count
				get(services, g.Service).prev += g.Count
				get(sources, g.Source).prev += g.Count
			}
		}
	}
	all := SeverityRow{}
	for _, s := range sevs {
		row := rows[s]
		// Pending: counted, outside maintenance, with a target, undecided.
		decided := row.Count - row.InMaintenance
		if sla := q.SLAs[s]; sla.Acknowledge > 0 {
			row.Ack.Pending = decided - row.Ack.Total()
		}
		if sla := q.SLAs[s]; sla.Resolve > 0 {
			row.Resolve.Pending = decided - row.Resolve.Total()
		}
		all.InMaintenance += row.InMaintenance
		row.MTTD = sevDist[bot.MetricDetect][s].stats()
		row.MTTA = sevDist[bot.MetricAck][s].stats()
		row.MTTR = sevDist[bot.MetricResolve][s].stats()
		r.Severities = append(r.Severities, *row)
		r.Total += row.Count
		r.Prev += row.Prev
		all.Count += row.Count
		all.Prev += row.Prev
		all.Ack.add(row.Ack)
		all.Resolve.add(row.Resolve)
		all.Update.add(row.Update)
		all.Postmortem.add(row.Postmortem)
	}
	all.MTTD = allDist[bot.MetricDetect].stats()
	all.MTTA = allDist[bot.MetricAck].stats()
	all.MTTR = allDist[bot.MetricResolve].stats()
	r.All = all
	toRows := func(m map[string]*acc) []Row {
		var out []Row
		for k, a := range m {
			if a.count == 0 && a.prev == 0 {
				continue
			}
			out = append(out, Row{Name: k, Count: a.count, Prev: a.prev, MTTA: a.mtta.stats(), MTTR: a.mttr.stats()})
		}
		sort.Slice(out, func(i, j int) bool {
			return out[i].Count > out[j].Count || out[i].Count == out[j].Count && out[i].Name < out[j].Name
		})
		return out
	}
	r.Services = toRows(services)
	r.Sources = toRows(sources)
	noisy, recur := map[string]int64{}, map[string]int64{}
	for _, sv := range r.Services {
		if sv.Name == "" || sv.Count == 0 {
			continue
		}
		noisy[sv.Name] = sv.Count
		if sv.Count > 1 {
			recur[sv.Name] = sv.Count
		}
	}
	r.NoisyServices = topNames(noisy, topN(q))
	r.Recurring = topNames(recur, topN(q))
	r.Open = openRows(cur.Open, sevs)
	for _, o := range r.Open {
		for _, n := range o.ByAge {
			r.OpenTotal += n
		}
	}
	r.Series = series(cur.Series, q.Buckets)
	seriesStats(r.Series, cur.SeriesDurations)
	r.Heatmap = cur.Heatmap
	return r
}

// seriesStats fills in each chart bucket's MTTA and MTTR.
func seriesStats(out []Bucket, durs []bot.SeriesDuration) {
	ack, res := make([]dist, len(out)), make([]dist, len(out))
	for _, d := range durs {
		if d.Bucket < 0 || d.Bucket >= len(out) {
			continue
		}
		switch d.Metric {
		case bot.MetricAck:
			ack[d.Bucket].add(d.Value, d.N)
		case bot.MetricResolve:
			res[d.Bucket].add(d.Value, d.N)
		}
	}
	for i := range out {
		out[i].Ack = ack[i].percentiles()
		out[i].Res = res[i].percentiles()
	}
}

func openRows(ages []bot.AgeCount, sevs []bot.Severity) []OpenRow {
	var out []OpenRow
	for _, s := range sevs {
		row := OpenRow{Severity: s, ByAge: make([]int64, len(bot.AgeBuckets)+1)}
		var any bool
		for _, a := range ages {
			if a.Severity == s && a.Bucket >= 0 && a.Bucket < len(row.ByAge) {
				row.ByAge[a.Bucket] += a.N
				any = true
			}
		}
		if any {
			out = append(out, row)
		}
	}
	return out
}

func series(points []bot.SeriesPoint, bounds []time.Time) []Bucket {
	if len(bounds) < 2 {
		return nil
	}
	out := make([]Bucket, len(bounds)-1)
	sums := make([]int64, len(out))
	for i := range out {
		out[i] = Bucket{Start: bounds[i], End: bounds[i+1], Counts: map[bot.Severity]int64{}}
	}
	for _, p := range points {
		if p.Bucket < 0 || p.Bucket >= len(out) {
			continue
		}
		out[p.Bucket].Counts[p.Severity] += p.Count
		out[p.Bucket].Resolved += p.Resolved
		sums[p.Bucket] += p.SumResolve
	}
	for i := range out {
		if out[i].Resolved > 0 {
			out[i].MTTR = time.Duration(sums[i]/out[i].Resolved) * time.Microsecond
		}
	}
	return out
}
