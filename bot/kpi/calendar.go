package kpi

import (
	"time"
)

// Calendar says which days are business days, for targets like "the
// postmortem is due 5 business days after the resolution".
type Calendar struct {
	Location *time.Location  // nil: UTC
	Workdays []time.Weekday  // nil: Monday to Friday
	Holidays map[string]bool // "2026-12-25" in Location
}

// DefaultWorkdays are the business days of a Calendar without Workdays.
var DefaultWorkdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

func (c Calendar) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// BusinessDay reports whether t's day (in the calendar's zone) is one.
func (c Calendar) BusinessDay(t time.Time) bool {
	l := t.In(c.loc())
	if c.Holidays[l.Format(time.DateOnly)] {
		return false
	}
	days := c.Workdays
	if days == nil {
		days = DefaultWorkdays
	}
	for _, w := range days {
		if w == l.Weekday() {
			return true
		}
	}
	return false
}

// AddBusinessDays moves t forward n business days, keeping its wall-clock
// time: Friday 15:00 + 1 is Monday 15:00. A start on a non-business day
// counts from the next business day's start of business (its 00:00 plus
// t's clock time).
func (c Calendar) AddBusinessDays(t time.Time, n int) time.Time {
	l := t.In(c.loc())
	if n <= 0 {
		return t
	}
	// At most 3660 days ahead, so a calendar without workdays still ends.
	for i := 0; n > 0 && i < 3660; i++ {
		l = l.AddDate(0, 0, 1)
		if c.BusinessDay(l) {
			n--
		}
	}
	return l.UTC()
}

// Due is resolved + target where whole days of target are business days
// and the rest is clock time.
func (c Calendar) Due(resolved time.Time, target time.Duration) time.Time {
	days := int(target / Day)
	return c.AddBusinessDays(resolved, days).Add(target % Day)
}
