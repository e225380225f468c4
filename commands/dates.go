package commands

import (
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// maxDue is how far ahead a due date may be.
const maxDue = 10 * 366 * 24 * time.Hour

// ParseDue reads the DATE of due:DATE, relative to now, in UTC:
// 2026-12-01 (end of that day), 2026-12-01T17:00Z or RFC 3339 (that moment),
// today, tomorrow, a weekday (monday or mon: its next occurrence, today
// included), +3d or 3d and +2w (end of that day), +12h (that moment).
// A date in the past is an invalid error.
func ParseDue(text string, now time.Time) (time.Time, error) {
	now = now.UTC()
	t, err := parseDue(strings.ToLower(strings.TrimSpace(text)), now)
	if err != nil {
		return time.Time{}, err
	}
	if t.Before(now) {
		return time.Time{}, bot.Errorf(bot.CodeInvalid, "due date %s is in the past", t.Format(time.RFC3339))
	}
	if t.Sub(now) > maxDue {
		return time.Time{}, bot.Errorf(bot.CodeInvalid, "due date %s is more than ten years ahead", t.Format(time.DateOnly))
	}
	return t, nil
}

func parseDue(s string, now time.Time) (time.Time, error) {
	switch s {
	case "today":
		return endOfDay(now), nil
	case "tomorrow":
		return endOfDay(now.AddDate(0, 0, 1)), nil
	}
	if wd, ok := weekday(s); ok {
		return endOfDay(now.AddDate(0, 0, (int(wd)-int(now.Weekday())+7)%7)), nil
	}
	if rel := strings.TrimPrefix(s, "+"); rel != "" && rel[0] >= '0' && rel[0] <= '9' && !strings.Contains(rel, "-") {
		d, err := ParseDuration(rel)
		if err != nil {
			return time.Time{}, dueError(s)
		}
		if d%(24*time.Hour) == 0 {
			return endOfDay(now.Add(d)), nil
		}
		return now.Add(d), nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return endOfDay(d), nil
	}
	if t, ok := parseDateTime(s); ok {
		return t, nil
	}
	return time.Time{}, dueError(s)
}

func dueError(s string) error {
	return bot.Errorf(bot.CodeInvalid,
		"due date %q is not a date: write due:2026-12-01, due:tomorrow, due:friday, due:+3d or due:2026-12-01T17:00Z", s)
}

// endOfDay is the last second of t's day in UTC: a date-only due date is
// met by the end of that day.
func endOfDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 23, 59, 59, 0, time.UTC)
}

func weekday(s string) (time.Weekday, bool) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if s == name || s == name[:3] {
			return d, true
		}
	}
	return 0, false
}

// dateTimeLayouts are the full date-and-time forms accepted; those without a
// zone are UTC.
var dateTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
}

func parseDateTime(s string) (time.Time, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// ParseTime reads an incident time for the time command: RFC 3339,
// 2026-11-22T10:05Z, 2026-11-22T10:05 (UTC), "now", or 10:05 / 10:05:30
// (UTC today, or yesterday when today's would be more than a minute ahead).
// "none" is the zero time, which clears an optional time.
func ParseTime(text string, now time.Time) (time.Time, error) {
	now = now.UTC()
	s := strings.TrimSpace(text)
	switch strings.ToLower(s) {
	case "now":
		return now, nil
	case "none":
		return time.Time{}, nil
	}
	if t, ok := parseDateTime(s); ok {
		return t, nil
	}
	clock := strings.TrimSuffix(strings.ToUpper(s), "Z")
	for _, l := range []string{"15:04:05", "15:04"} {
		c, err := time.Parse(l, clock)
		if err != nil {
			continue
		}
		y, m, d := now.Date()
		t := time.Date(y, m, d, c.Hour(), c.Minute(), c.Second(), 0, time.UTC)
		if t.After(now.Add(time.Minute)) {
			t = t.AddDate(0, 0, -1)
		}
		return t, nil
	}
	return time.Time{}, bot.Errorf(bot.CodeInvalid,
		"time %q is not a time: write 2026-11-22T10:05Z, an RFC 3339 time, 10:05 (today, UTC), now or none", text)
}

// ParseDuration reads durations people write: 30m, 2h, 1h30m, 7d, 2w, 1d12h.
// Units are w, d, h, m and s; a bare number is not accepted.
func ParseDuration(text string) (time.Duration, error) {
	s := strings.ToLower(strings.TrimSpace(text))
	bad := bot.Errorf(bot.CodeInvalid, "duration %q is not a duration like 30m, 2h, 1h30m or 7d", text)
	if s == "" {
		return 0, bad
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) || i > 6 {
			return 0, bad
		}
		n, _ := strconv.Atoi(s[:i])
		var unit time.Duration
		switch s[i] {
		case 'w':
			unit = 7 * 24 * time.Hour
		case 'd':
			unit = 24 * time.Hour
		case 'h':
			unit = time.Hour
		case 'm':
			unit = time.Minute
		case 's':
			unit = time.Second
		default:
			return 0, bad
		}
		total += time.Duration(n) * unit
		if total > 100*366*24*time.Hour {
			return 0, bad
		}
		s = s[i+1:]
	}
	return total, nil
}
