package kpi

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// Day is 24 hours; a period of whole days is counted in calendar days of
// the digest's time zone, so a week across a DST change is 167 or 169 hours.
const Day = 24 * time.Hour

// Period returns the period of length p that ends at end. A whole number
// of days goes back that many calendar days in loc (same wall-clock time);
// anything else is p exactly.
func Period(end time.Time, p time.Duration, loc *time.Location) (from, to time.Time) {
	if loc == nil {
		loc = time.UTC
	}
	if p > 0 && p%Day == 0 {
		return end.In(loc).AddDate(0, 0, -int(p/Day)).UTC(), end.UTC()
	}
	return end.Add(-p).UTC(), end.UTC()
}

// Previous returns the period of the same length before [from, to).
func Previous(from, to time.Time, p time.Duration, loc *time.Location) (time.Time, time.Time) {
	return Period(from, p, loc)
}

// maxBuckets bounds the chart: daily up to this many days, then weekly,
// then monthly.
const maxBuckets = 62

// Buckets returns chart bucket boundaries covering [from, to): local
// midnights in loc (days of 23 or 25 hours across DST), or weeks, or months
// for long periods.
func Buckets(from, to time.Time, loc *time.Location) []time.Time {
	if loc == nil {
		loc = time.UTC
	}
	if !from.Before(to) {
		return nil
	}
	f := from.In(loc)
	start := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc)
	step := func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
	days := to.Sub(from) / Day
	switch {
	case days > 2*366:
		start = time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, loc)
		step = func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
	case days > maxBuckets:
		start = start.AddDate(0, 0, -((int(start.Weekday()) + 6) % 7)) // Monday
		step = func(t time.Time) time.Time { return t.AddDate(0, 0, 7) }
	}
	out := []time.Time{start.UTC()}
	for t := start; t.Before(to); {
		t = step(t)
		out = append(out, t.UTC())
		if len(out) > 400 {
			break
		}
	}
	return out
}

// ParsePeriod reads a digest period: 7d, 30d, 12h, 2w, or "all".
// "all" is 0.
func ParsePeriod(s string) (time.Duration, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "all" {
		return 0, nil
	}
	if n, unit := strings.TrimRight(t, "dw"), strings.TrimLeft(t, "0123456789"); n != t && (unit == "d" || unit == "w") {
		v, err := strconv.Atoi(n)
		if err != nil || v <= 0 || v > 3660 {
			return 0, bot.Errorf(bot.CodeInvalid, "period %q is not like 7d, 30d, 12h or all", s)
		}
		if unit == "w" {
			v *= 7
		}
		return time.Duration(v) * Day, nil
	}
	d, err := time.ParseDuration(t)
	if err != nil || d <= 0 {
		return 0, bot.Errorf(bot.CodeInvalid, "period %q is not like 7d, 30d, 12h or all", s)
	}
	return d, nil
}

// FormatPeriod renders a period as ParsePeriod reads it.
func FormatPeriod(p time.Duration) string {
	switch {
	case p == 0:
		return "all time"
	case p%Day == 0:
		return fmt.Sprintf("%dd", p/Day)
	}
	return p.String()
}
