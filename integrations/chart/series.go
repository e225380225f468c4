package chart

import (
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
)

// Data is what the chart draws: one label per bucket, the incidents of
// each severity per bucket, and the median and p90 time to resolve (hours)
// of the incidents of each bucket that resolved (nil where none did).
type Data struct {
	Unit     string              `json:"unit"` // day, week or month
	Labels   []string            `json:"labels"`
	Counts   map[string][]int64  `json:"counts"` // by severity: SEV1…
	MTTRP50  []*float64          `json:"mttr_p50_hours"`
	MTTRP90  []*float64          `json:"mttr_p90_hours"`
	Resolved []int64             `json:"resolved"`
	Legend   map[string][]string `json:"legend"` // panel → entries
}

// Series extracts the chart's numbers from a digest; nil when it has no
// series.
func Series(d *digest.Digest) *Data {
	series := d.Report.Series
	if len(series) == 0 {
		return nil
	}
	loc := d.Options.Location
	if loc == nil {
		loc = time.UTC
	}
	out := &Data{Unit: unit(series), Counts: map[string][]int64{}, Legend: map[string][]string{
		"incidents": {}, "mttr": {"MTTR p50", "MTTR p90"},
	}}
	for _, s := range bot.Severities {
		out.Legend["incidents"] = append(out.Legend["incidents"], s.String())
	}
	hours := func(s kpi.Stats, p90 bool) *float64 {
		if s.N == 0 {
			return nil
		}
		v := s.Median.Hours()
		if p90 {
			v = s.P90.Hours()
		}
		return &v
	}
	for _, b := range series {
		out.Labels = append(out.Labels, label(b, loc))
		for _, s := range bot.Severities {
			out.Counts[s.String()] = append(out.Counts[s.String()], b.Counts[s])
		}
		out.MTTRP50 = append(out.MTTRP50, hours(b.Res, false))
		out.MTTRP90 = append(out.MTTRP90, hours(b.Res, true))
		out.Resolved = append(out.Resolved, b.Res.N)
	}
	return out
}

func unit(s []kpi.Bucket) string {
	if len(s) == 0 {
		return "day"
	}
	switch d := s[0].End.Sub(s[0].Start); {
	case d > 8*kpi.Day:
		return "month"
	case d > 2*kpi.Day:
		return "week"
	}
	return "day"
}

func label(b kpi.Bucket, loc *time.Location) string {
	if unit([]kpi.Bucket{b}) == "month" {
		return b.Start.In(loc).Format("Jan 06")
	}
	return b.Start.In(loc).Format("Jan 2")
}
