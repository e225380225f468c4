package kpi

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/warroom/warroom/bot"
)

// collectRows reads the rows of q, splitting a long period in two halves
// read at once (each on its own connection) when there are CPUs to spare.
func collectRows(ctx context.Context, r bot.KPIReader, q bot.KPIQuery, occ Occurrences) (*bot.KPIAggregates, error) {
	q.Numbers = occ != nil
	parts := 1
	if runtime.GOMAXPROCS(0) > 1 && q.To.Sub(q.From) > 2*Day {
		parts = 2
	}
	accs := make([]*accumulator, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for i := range parts {
		pq := q
		if parts > 1 {
			mid := q.From.Add(q.To.Sub(q.From) / 2)
			if i == 0 {
				pq.To = mid
			} else {
				pq.From = mid
			}
		}
		accs[i] = newAccumulator(q, true)
		if occ != nil {
			accs[i].occ = Occurrences{}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := accs[i]
			errs[i] = r.KPIRows(ctx, pq, func(row *bot.KPIRow) error { a.add(row); return nil })
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("read incidents: %w", err)
		}
	}
	for _, a := range accs[1:] {
		accs[0].merge(a)
	}
	for _, a := range accs {
		a.flushOcc()
		for svc, os := range a.occ {
			occ[svc] = append(occ[svc], os...)
		}
	}
	return accs[0].finish(), nil
}

// merge adds b's sums to a's.
func (a *accumulator) merge(b *accumulator) {
	for k, g := range b.groups {
		x := a.groups[k]
		if x == nil {
			c := *g
			a.groups[k] = &c
			continue
		}
		x.Count += g.Count
		x.Acked += g.Acked
		x.Resolved += g.Resolved
		x.SumDetect += g.SumDetect
		x.SumAck += g.SumAck
		x.SumResolve += g.SumResolve
		x.AckMet += g.AckMet
		x.AckMissed += g.AckMissed
		x.ResolveMet += g.ResolveMet
		x.ResolveMissed += g.ResolveMissed
		x.InMaintenance += g.InMaintenance
	}
	for k, h := range b.hists {
		if x := a.hists[k]; x != nil {
			x.merge(h)
		} else {
			a.hists[k] = h
		}
	}
	for k, h := range b.sdur {
		if x := a.sdur[k]; x != nil {
			x.merge(h)
		} else {
			a.sdur[k] = h
		}
	}
	for d := range a.heat {
		for h := range a.heat[d] {
			a.heat[d][h] += b.heat[d][h]
		}
	}
	for k, p := range b.series {
		x := a.series[k]
		if x == nil {
			a.series[k] = p
			continue
		}
		x.Count += p.Count
		x.Resolved += p.Resolved
		x.SumResolve += p.SumResolve
	}
}

type gkey struct {
	sev          bot.Severity
	service, src string
}

type hkey struct {
	metric  int // index in metrics
	sev     bot.Severity
	service string
}

var metrics = [3]string{bot.MetricDetect, bot.MetricAck, bot.MetricResolve}

// accumulator sums rows up into groups, histograms and the chart series.
type accumulator struct {
	q      bot.KPIQuery
	bucket bool // round durations to histogram buckets
	groups map[gkey]*bot.KPIGroup
	hists  map[hkey]*hist
	series map[[2]int]*bot.SeriesPoint
	// sdur holds the MTTA (metric 1) and MTTR (2) histograms of each chart
	// bucket, keyed (bucket, metric).
	sdur map[[2]int]*hist
	heat bot.Heatmap
	agg  *bot.KPIAggregates
	// pair holds the groups of the current service and source by
	// severity (rows come grouped by pair): no map lookup per row.
	pairSvc, pairSrc string
	pairSet          bool
	pair             [5]*bot.KPIGroup
	// The heatmap zone's offset and the span [zoneFrom, zoneTo) (Unix
	// seconds) it holds for.
	zoneSet          bool
	zoneOff          int
	zoneFrom, zoneTo int64
	// cur caches the histograms of the current service by severity and
	// metric (rows come grouped by service).
	curSvc string
	cur    [5][3]*hist
	// lastBucket is the chart bucket of the row before (-1: none).
	lastBucket int
	// bySev holds the histograms kept by severity alone (service ""):
	// MTTD's, and every metric's of a Tiles query.
	bySev [5][3]*hist
	// occ, when not nil, gathers every row's number and declaration time
	// by service; occBuf holds those of service occSvc not yet added.
	occ    Occurrences
	occSvc string
	occBuf []bot.Occurrence
}

// Occurrences are the incidents a collection read, by service: what the
// candidate problems count (bot.BuildProblemInsightsOf).
type Occurrences map[string][]bot.Occurrence

// flushOcc adds the buffered occurrences to occ.
func (a *accumulator) flushOcc() {
	if len(a.occBuf) > 0 {
		a.occ[a.occSvc] = append(a.occ[a.occSvc], a.occBuf...)
		a.occBuf = a.occBuf[:0]
	}
}

func newAccumulator(q bot.KPIQuery, bucket bool) *accumulator {
	return &accumulator{q: q, bucket: bucket, lastBucket: -1, groups: map[gkey]*bot.KPIGroup{}, hists: map[hkey]*hist{},
		series: map[[2]int]*bot.SeriesPoint{}, sdur: map[[2]int]*hist{}, agg: &bot.KPIAggregates{Breaches: map[bot.Severity]map[string]int64{}}}
}

func (a *accumulator) dur(metric int, sev bot.Severity, svc string, d time.Duration) {
	if a.q.CountsOnly || sev < 1 || sev > 4 {
		return
	}
	if metric == 0 || a.q.Tiles {
		// MTTD is reported by severity only; tiles want no service's.
		svc = ""
		if a.q.Tiles && metric == 0 {
			return
		}
		h := a.bySev[sev][metric]
		if h == nil {
			h = &hist{bucketed: a.bucket}
			a.bySev[sev][metric] = h
			a.hists[hkey{metric, sev, svc}] = h
		}
		h.add(d)
		return
	}
	if svc != a.curSvc {
		a.curSvc, a.cur = svc, [5][3]*hist{}
	}
	h := a.cur[sev][metric]
	if h == nil {
		k := hkey{metric, sev, svc}
		if h = a.hists[k]; h == nil {
			h = &hist{bucketed: a.bucket}
			a.hists[k] = h
		}
		a.cur[sev][metric] = h
	}
	h.add(d)
}

// seriesDur counts a duration in its chart bucket's histogram.
func (a *accumulator) seriesDur(bucket, metric int, d time.Duration) {
	k := [2]int{bucket, metric}
	h := a.sdur[k]
	if h == nil {
		h = &hist{bucketed: a.bucket}
		a.sdur[k] = h
	}
	h.add(d)
}

func (a *accumulator) add(r *bot.KPIRow) {
	if a.occ != nil {
		if r.Service != a.occSvc {
			a.flushOcc()
			a.occSvc = r.Service
		}
		a.occBuf = append(a.occBuf, bot.Occurrence{At: r.DeclaredAt.UnixMicro(), Incident: r.Number})
	}
	g := a.group(r)
	g.Count++
	if a.q.CountsOnly {
		return
	}
	if !a.q.Tiles {
		ttd := r.DeclaredAt.Sub(r.StartedAt)
		g.SumDetect += int64(ttd / time.Microsecond)
		a.dur(0, r.Severity, r.Service, ttd)
	}
	acked, resolved := !r.AcknowledgedAt.IsZero(), !r.ResolvedAt.IsZero()
	if acked {
		tta := r.AcknowledgedAt.Sub(r.DeclaredAt)
		g.Acked++
		g.SumAck += int64(tta / time.Microsecond)
		a.dur(1, r.Severity, r.Service, tta)
	}
	var ttr time.Duration
	if resolved {
		ttr = r.ResolvedAt.Sub(r.DeclaredAt)
		g.Resolved++
		g.SumResolve += int64(ttr / time.Microsecond)
		a.dur(2, r.Severity, r.Service, ttr)
	}
	if a.q.Heatmap != nil {
		day, hour := a.localHour(r.DeclaredAt)
		a.heat[day][hour]++
	}
	if b := a.bucketOf(r.DeclaredAt); b >= 0 {
		if acked {
			a.seriesDur(b, 1, r.AcknowledgedAt.Sub(r.DeclaredAt))
		}
		if resolved {
			a.seriesDur(b, 2, ttr)
		}
		sk := [2]int{b, int(r.Severity)}
		p := a.series[sk]
		if p == nil {
			p = &bot.SeriesPoint{Bucket: b, Severity: r.Severity}
			a.series[sk] = p
		}
		p.Count++
		if resolved {
			p.Resolved++
			p.SumResolve += int64(ttr / time.Microsecond)
		}
	}
	if bot.InMaintenance(a.q.Maintenance, r.DeclaredAt, r.Service) {
		g.InMaintenance++
		return
	}
	ack, res := rowOutcome(r, a.q.SLAs[r.Severity], a.q.Now)
	g.AckMet += ack.Met
	g.AckMissed += ack.Missed
	g.ResolveMet += res.Met
	g.ResolveMissed += res.Missed
}

// group is the sums of r's severity, service and source. Rows come
// grouped by service and source, severities mixed: the groups of the
// current pair are kept by severity.
func (a *accumulator) group(r *bot.KPIRow) *bot.KPIGroup {
	if r.Service != a.pairSvc || r.Source != a.pairSrc || !a.pairSet {
		a.pairSvc, a.pairSrc, a.pairSet, a.pair = r.Service, r.Source, true, [5]*bot.KPIGroup{}
	}
	sev := r.Severity
	if sev >= 0 && int(sev) < len(a.pair) && a.pair[sev] != nil {
		return a.pair[sev]
	}
	k := gkey{sev, r.Service, r.Source}
	g := a.groups[k]
	if g == nil {
		g = &bot.KPIGroup{Severity: sev, Service: r.Service, Source: r.Source}
		a.groups[k] = g
	}
	if sev >= 0 && int(sev) < len(a.pair) {
		a.pair[sev] = g
	}
	return g
}

// localHour is the weekday (0 Sunday) and hour of t in the heatmap's
// zone, as t.In(zone) says, from the zone offset in effect (kept for the
// span of time it holds).
func (a *accumulator) localHour(t time.Time) (int, int) {
	u := t.Unix()
	if !a.zoneSet || u < a.zoneFrom || u >= a.zoneTo {
		lt := t.In(a.q.Heatmap)
		_, a.zoneOff = lt.Zone()
		from, to := lt.ZoneBounds()
		a.zoneFrom, a.zoneTo, a.zoneSet = math.MinInt64, int64(math.MaxInt64), true
		if !from.IsZero() {
			a.zoneFrom = from.Unix()
		}
		if !to.IsZero() {
			a.zoneTo = to.Unix()
		}
	}
	secs := u + int64(a.zoneOff)
	days, rem := secs/86400, secs%86400
	if rem < 0 {
		days, rem = days-1, rem+86400
	}
	return int(((days+4)%7 + 7) % 7), int(rem / 3600) // 1 January 1970 was a Thursday
}

// bucketOf is the chart bucket holding t, or -1. Rows of one service and
// source come in declaration order, so the bucket of the row before is
// tried first.
func (a *accumulator) bucketOf(t time.Time) int {
	bs := a.q.Buckets
	if b := a.lastBucket; b >= 0 && b+1 < len(bs) && !t.Before(bs[b]) && t.Before(bs[b+1]) {
		return b
	}
	a.lastBucket = bucketOf(bs, t)
	return a.lastBucket
}

func (a *accumulator) finish() *bot.KPIAggregates {
	agg := a.agg
	for _, g := range a.groups {
		agg.Groups = append(agg.Groups, *g)
	}
	sort.Slice(agg.Groups, func(i, j int) bool { return groupLess(agg.Groups[i], agg.Groups[j]) })
	n := 0
	for _, h := range a.hists {
		n += h.len()
	}
	if n > 0 {
		agg.Durations = make([]bot.DurationBucket, 0, n)
	}
	for k, h := range a.hists {
		h.each(func(v time.Duration, n int64) {
			agg.Durations = append(agg.Durations, bot.DurationBucket{Metric: metrics[k.metric], Severity: k.sev, Service: k.service, Value: v, N: n})
		})
	}
	for _, p := range a.series {
		agg.Series = append(agg.Series, *p)
	}
	n = 0
	for _, h := range a.sdur {
		n += h.len()
	}
	if n > 0 {
		agg.SeriesDurations = make([]bot.SeriesDuration, 0, n)
	}
	for k, h := range a.sdur {
		h.each(func(v time.Duration, n int64) {
			agg.SeriesDurations = append(agg.SeriesDurations, bot.SeriesDuration{Bucket: k[0], Metric: metrics[k[1]], Value: v, N: n})
		})
	}
	if a.q.Heatmap != nil {
		heat := a.heat
		agg.Heatmap = &heat
	}
	sort.Slice(agg.Series, func(i, j int) bool {
		x, y := agg.Series[i], agg.Series[j]
		return x.Bucket < y.Bucket || x.Bucket == y.Bucket && x.Severity < y.Severity
	})
	return agg
}
