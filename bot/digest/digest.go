package digest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/kpi"
)

// Sections a digest can show.
const (
	SectionSummary   = "summary"
	SectionSeverity  = "severity"
	SectionSLA       = "sla"
	SectionOpen      = "open"
	SectionNoisy     = "noisy"
	SectionRecurring = "recurring"
	SectionActions   = "actions"
	SectionServices  = "services"
	SectionChart     = "chart"
	SectionProblems  = "problems" // problem recurrence and candidates (problems.go)
)

// AllSections is every section, in the order they appear.
var AllSections = []string{SectionSummary, SectionSeverity, SectionSLA, SectionOpen, SectionNoisy,
	SectionRecurring, SectionActions, SectionServices, SectionChart, SectionProblems}

// ParseSections checks a list of section names; empty means all.
func ParseSections(names []string) ([]string, error) {
	if len(names) == 0 {
		return slices.Clone(AllSections), nil
	}
	var out []string
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if !slices.Contains(AllSections, n) {
			return nil, fmt.Errorf("digest section %q is not one of %s", n, strings.Join(AllSections, ", "))
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// Options say what one digest covers.
type Options struct {
	Period     time.Duration  // 0: all time
	End        time.Time      // the period ends here (a schedule slot, or now)
	Location   *time.Location // calendar days, DST and the times shown; nil: UTC
	Severities []bot.Severity // empty: all
	Sections   []string       // empty: all
	Title      string         // "": "Incident digest"
	// From, when set, starts the period (a custom range to End); Period
	// then only names it, and the previous period is as long, just before.
	From time.Time
	// PeriodName names the period as it was asked for ("30d", "quarter",
	// "custom"); "": from Period.
	PeriodName string
	// Services and Sources filter the incidents (empty: all).
	Services, Sources []string
	// Types and Fields filter by incident type and custom field values.
	Types  []string
	Fields map[string]string
	// FullPrevious computes the previous period in full (durations and SLA
	// compliance, for the insights tiles), not just its counts.
	FullPrevious bool
	// Heatmap asks for the hour × weekday counts, in HeatmapLocation
	// (nil: Location).
	Heatmap         bool
	HeatmapLocation *time.Location
	// Candidates is when recurring incidents suggest a problem (zero:
	// bot.DefaultCandidateCount within bot.DefaultCandidateWindow).
	Candidates bot.CandidateRule
}

// span is the period of o: [from, to), and the period before.
func (o Options) span() (from, prevFrom, prevTo time.Time) {
	switch {
	case !o.From.IsZero():
		n := o.End.Sub(o.From)
		return o.From, o.From.Add(-n), o.From
	case o.Period > 0:
		from, _ = kpi.Period(o.End, o.Period, o.Location)
		prevFrom, prevTo = kpi.Previous(from, o.End, o.Period, o.Location)
		return from, prevFrom, prevTo
	}
	return time.Unix(0, 0).UTC(), time.Time{}, time.Time{}
}

func (o Options) has(section string) bool {
	return len(o.Sections) == 0 || slices.Contains(o.Sections, section)
}

// Digest is a built digest, ready to render.
type Digest struct {
	Options Options
	Report  kpi.Report
	SLAs    map[bot.Severity]bot.SLA
	Chart   []byte // PNG; nil when there is none
	// ChartFile is the name the markdown gives the chart ("": ChartName,
	// the attachment's name). Clear Chart when the markdown goes where the
	// chart does not, so that it names no file that is not there.
	ChartFile string
	// Problems are the problem figures (SectionProblems); nil when not asked for.
	Problems *bot.ProblemInsights
}

// Source is what Build reads: KPI aggregates, maintenance windows and
// problem figures.
type Source interface {
	bot.KPIReader
	bot.ProblemInsightsReader
	MaintenanceWindows(ctx context.Context, f bot.MaintenanceFilter) ([]bot.MaintenanceWindow, error)
}

// ChartFunc draws a digest's chart as a PNG.
type ChartFunc func(d *Digest) ([]byte, error)

// Builder builds digests.
type Builder struct {
	src   Source
	slas  map[bot.Severity]bot.SLA
	chart ChartFunc
	rule  bot.CandidateRule // candidate problems when Options names none
}

// WithCandidates sets the candidate-problem rule of digests whose Options
// name none (the configuration's problems section), and returns b.
func (b *Builder) WithCandidates(rule bot.CandidateRule) *Builder {
	b.rule = rule
	return b
}

// NewBuilder returns a Builder; chart may be nil (no chart).
func NewBuilder(src Source, slas map[bot.Severity]bot.SLA, chart ChartFunc) *Builder {
	if slas == nil {
		slas = bot.DefaultSLAs()
	}
	return &Builder{src: src, slas: slas, chart: chart}
}

// allTimeChart is how far back an all-time digest's chart goes.
const allTimeChart = 365 * kpi.Day

// Build sums up the period of o and draws its chart.
func (b *Builder) Build(ctx context.Context, o Options) (*Digest, error) {
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.End.IsZero() {
		return nil, fmt.Errorf("build digest: no end time")
	}
	q := bot.KPIQuery{Severities: o.Severities, Services: o.Services, Sources: o.Sources, Types: o.Types, Fields: o.Fields,
		SLAs: b.slas, Now: o.End, To: o.End}
	var prevFrom, prevTo time.Time
	q.From, prevFrom, prevTo = o.span()
	chartFrom := q.From
	if prevTo.IsZero() {
		chartFrom = o.End.Add(-allTimeChart)
	}
	if o.Heatmap {
		q.Heatmap = o.HeatmapLocation
		if q.Heatmap == nil {
			q.Heatmap = o.Location
		}
	}
	if o.has(SectionChart) {
		q.Buckets = kpi.Buckets(chartFrom, o.End, o.Location)
	}
	wFrom := q.From
	if !prevTo.IsZero() && o.FullPrevious {
		wFrom = prevFrom
	}
	windows, err := b.src.MaintenanceWindows(ctx, bot.MaintenanceFilter{From: wFrom, To: q.To})
	if err != nil {
		return nil, fmt.Errorf("list maintenance windows: %w", err)
	}
	q.Maintenance = windows
	// The candidate problems count every incident of one rule window
	// before the period and of the period: unfiltered, the KPIs' own
	// passes read them (occ), and only what they do not cover is read
	// again. Filtered, or from a source without marks, they come from
	// RecurrenceRows.
	var occ kpi.Occurrences
	marks, hasMarks := b.src.(bot.RecurrenceMarksReader)
	if o.has(SectionProblems) && hasMarks && len(q.Severities)+len(q.Services)+len(q.Sources)+len(q.Types)+len(q.Fields) == 0 {
		occ = kpi.Occurrences{}
	}
	cur, err := kpi.CollectWith(ctx, b.src, q, occ)
	if err != nil {
		return nil, err
	}
	covered := q.From // occ holds the incidents of [covered, q.To)
	var (
		prev     *bot.KPIAggregates
		previous *kpi.Report
	)
	if !prevTo.IsZero() {
		pq := q
		pq.From, pq.To = prevFrom, prevTo
		pq.Buckets, pq.Heatmap, pq.CountsOnly, pq.Tiles = nil, nil, !o.FullPrevious, o.FullPrevious
		if o.FullPrevious {
			pq.Now = prevTo
		}
		pocc := occ
		if !pq.To.Equal(q.From) {
			pocc = nil
		}
		if prev, err = kpi.CollectWith(ctx, b.src, pq, pocc); err != nil {
			return nil, err
		}
		if pocc != nil {
			covered = pq.From
		}
		if o.FullPrevious {
			r := kpi.Build(prev, nil, pq)
			previous = &r
		}
	}
	d := &Digest{Options: o, Report: kpi.Build(cur, prev, q), SLAs: b.slas}
	d.Report.Previous = previous
	if o.has(SectionProblems) {
		rule := o.Candidates
		if rule == (bot.CandidateRule{}) {
			rule = b.rule
		}
		if occ == nil {
			d.Problems, err = bot.BuildProblemInsights(ctx, b.src, q.From, q.To, o.End, rule)
		} else {
			d.Problems, err = b.problemsOf(ctx, marks, q, covered, occ, o.End, rule)
		}
		if err != nil {
			return nil, err
		}
	}
	if b.chart != nil && o.has(SectionChart) {
		png, err := b.chart(d)
		if err != nil {
			return nil, fmt.Errorf("draw digest chart: %w", err)
		}
		d.Chart = png
	}
	return d, nil
}

// problemsOf builds the problem figures from the incidents the KPIs read
// (occ, those of [covered, q.To)), reading those of the rule window
// before covered that they did not.
func (b *Builder) problemsOf(ctx context.Context, marks bot.RecurrenceMarksReader, q bot.KPIQuery, covered time.Time,
	occ kpi.Occurrences, now time.Time, rule bot.CandidateRule) (*bot.ProblemInsights, error) {
	start := q.From.Add(-rule.WithDefaults().Window)
	if start.Before(covered) {
		eq := bot.KPIQuery{From: start, To: covered, Now: q.Now, SLAs: q.SLAs, CountsOnly: true}
		if _, err := kpi.CollectWith(ctx, b.src, eq, occ); err != nil {
			return nil, err
		}
	} else if start.After(covered) {
		from := start.UnixMicro()
		if !time.UnixMicro(from).Equal(start) {
			from++ // start has a fraction of a microsecond: the first whole one at or after it
		}
		for svc, os := range occ {
			occ[svc] = slices.DeleteFunc(os, func(o bot.Occurrence) bool { return o.At < from })
		}
	}
	return bot.BuildProblemInsightsOf(ctx, struct {
		bot.ProblemInsightsReader
		bot.RecurrenceMarksReader
	}{b.src, marks}, q.From, q.To, now, rule, occ)
}
