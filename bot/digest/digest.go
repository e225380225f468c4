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
)

// AllSections is every section, in the order they appear.
var AllSections = []string{SectionSummary, SectionSeverity, SectionSLA, SectionOpen, SectionNoisy,
	SectionRecurring, SectionActions, SectionServices, SectionChart}

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
}

// Source is what Build reads: KPI aggregates and maintenance windows.
type Source interface {
	bot.KPIReader
	MaintenanceWindows(ctx context.Context, f bot.MaintenanceFilter) ([]bot.MaintenanceWindow, error)
}

// ChartFunc draws a digest's chart as a PNG.
type ChartFunc func(d *Digest) ([]byte, error)

// Builder builds digests.
type Builder struct {
	src   Source
	slas  map[bot.Severity]bot.SLA
	chart ChartFunc
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
	q := bot.KPIQuery{Severities: o.Severities, SLAs: b.slas, Now: o.End, To: o.End}
	chartFrom := o.End.Add(-allTimeChart)
	if o.Period > 0 {
		q.From, _ = kpi.Period(o.End, o.Period, o.Location)
		chartFrom = q.From
	} else {
		q.From = time.Unix(0, 0).UTC()
	}
	if o.has(SectionChart) {
		q.Buckets = kpi.Buckets(chartFrom, o.End, o.Location)
	}
	windows, err := b.src.MaintenanceWindows(ctx, bot.MaintenanceFilter{From: q.From, To: q.To})
	if err != nil {
		return nil, fmt.Errorf("list maintenance windows: %w", err)
	}
	q.Maintenance = windows
	cur, err := kpi.Collect(ctx, b.src, q)
	if err != nil {
		return nil, err
	}
	var prev *bot.KPIAggregates
	if o.Period > 0 {
		pq := q
		pq.From, pq.To = kpi.Previous(q.From, q.To, o.Period, o.Location)
		pq.Buckets, pq.CountsOnly = nil, true
		if prev, err = kpi.Collect(ctx, b.src, pq); err != nil {
			return nil, err
		}
	}
	d := &Digest{Options: o, Report: kpi.Build(cur, prev, q), SLAs: b.slas}
	if b.chart != nil && o.has(SectionChart) {
		png, err := b.chart(d)
		if err != nil {
			return nil, fmt.Errorf("draw digest chart: %w", err)
		}
		d.Chart = png
	}
	return d, nil
}
