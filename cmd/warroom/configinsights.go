package main

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
	"github.com/warroom/warroom/bot/postmortem"
)

// The YAML sections of insights: digests, postmortem, calendar, reminders.
//
//	digests:
//	  - name: weekly-sre                         # optional; default: the channel
//	    channel: sre-leads
//	    schedule: "CRON_TZ=Europe/Berlin 0 9 * * MON"
//	    period: 7d                               # default 7d; "all" for all time
//	    sections: [summary, severity, sla, open, noisy, recurring, actions, services, chart]
//	    severities: [sev1, sev2]                 # default: all
//	postmortem:
//	  template: /etc/warroom/postmortem.md.tmpl  # default: the built-in one
//	  off: false
//	calendar:                                    # business days for postmortem_due
//	  time_zone: Europe/Berlin
//	  workdays: [mon, tue, wed, thu, fri]
//	  holidays: ["2026-12-24", "2026-12-25"]
//	reminders:
//	  off: false
//	  remind_at: 0.8                             # share of a target after which the channel is reminded
//	  action_remind_before: 1d
//	  action_remind_every: 7d
type fileDigest struct {
	Name       string   `yaml:"name"`
	Channel    string   `yaml:"channel"`
	Schedule   string   `yaml:"schedule"`
	Period     *string  `yaml:"period"`
	Sections   []string `yaml:"sections"`
	Severities []string `yaml:"severities"`
	Title      string   `yaml:"title"`
}

type filePostmortem struct {
	Template *string `yaml:"template"`
	Off      *string `yaml:"off"` // true or false
}

type fileCalendar struct {
	TimeZone *string  `yaml:"time_zone"`
	Workdays []string `yaml:"workdays"`
	Holidays []string `yaml:"holidays"`
}

type fileReminders struct {
	Off                *string `yaml:"off"`       // true or false
	RemindAt           *string `yaml:"remind_at"` // e.g. 0.8
	ActionRemindBefore *string `yaml:"action_remind_before"`
	ActionRemindEvery  *string `yaml:"action_remind_every"`
}

// InsightsConfig is the typed digests, postmortem, calendar and reminders
// configuration.
type InsightsConfig struct {
	Digests            []DigestSchedule
	PostmortemOff      bool
	PostmortemTemplate string // file path; "" for the built-in template
	PostmortemText     string // its content, read at start (not printed)
	Calendar           kpi.Calendar
	TimeZone           string // calendar.time_zone, for showing
	RemindersOff       bool
	RemindAt           float64
	ActionRemindBefore time.Duration
	ActionRemindEvery  time.Duration
}

// DigestSchedule is one configured digest.
type DigestSchedule struct {
	Name, Channel, Cron, Title string
	Period                     time.Duration // 0: all time
	Sections                   []string
	Severities                 []bot.Severity
	Location                   *time.Location
	Sched                      cron.Schedule // parsed Cron
}

var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
	"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// applyInsights reads the four sections; every error names its key.
func (c *Config) applyInsights(fd []fileDigest, fp filePostmortem, fc fileCalendar, fr fileReminders) []error {
	var errs []error
	in := &c.Insights
	if fc.TimeZone != nil {
		loc, err := time.LoadLocation(*fc.TimeZone)
		if err != nil {
			errs = append(errs, fmt.Errorf("calendar.time_zone: %q is not a time zone like Europe/Berlin", *fc.TimeZone))
		} else {
			in.Calendar.Location, in.TimeZone = loc, *fc.TimeZone
		}
	}
	for i, w := range fc.Workdays {
		k := strings.ToLower(strings.TrimSpace(w))
		if len(k) > 3 {
			k = k[:3]
		}
		d, ok := weekdays[k]
		if !ok {
			errs = append(errs, fmt.Errorf("calendar.workdays[%d]: %q is not a weekday like mon", i, w))
			continue
		}
		in.Calendar.Workdays = append(in.Calendar.Workdays, d)
	}
	for i, h := range fc.Holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			errs = append(errs, fmt.Errorf("calendar.holidays[%d]: %q is not a date like 2026-12-25", i, h))
			continue
		}
		if in.Calendar.Holidays == nil {
			in.Calendar.Holidays = map[string]bool{}
		}
		in.Calendar.Holidays[h] = true
	}
	if fp.Off != nil {
		b, err := strconv.ParseBool(*fp.Off)
		if err != nil {
			errs = append(errs, fmt.Errorf("postmortem.off: %q is not true or false", *fp.Off))
		}
		in.PostmortemOff = b
	}
	if fp.Template != nil && *fp.Template != "" {
		in.PostmortemTemplate = *fp.Template
		b, err := os.ReadFile(*fp.Template)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("postmortem.template: %w", err))
		default:
			in.PostmortemText = string(b)
			if _, err := postmortem.New(postmortem.Config{Template: in.PostmortemText, Name: *fp.Template}); err != nil {
				errs = append(errs, fmt.Errorf("postmortem.template: %w", err))
			}
		}
	}
	if fr.Off != nil {
		b, err := strconv.ParseBool(*fr.Off)
		if err != nil {
			errs = append(errs, fmt.Errorf("reminders.off: %q is not true or false", *fr.Off))
		}
		in.RemindersOff = b
	}
	if fr.RemindAt != nil {
		f, err := strconv.ParseFloat(*fr.RemindAt, 64)
		if err != nil || f <= 0 || f >= 1 {
			errs = append(errs, fmt.Errorf("reminders.remind_at: %q is not between 0 and 1 (e.g. 0.8)", *fr.RemindAt))
		}
		in.RemindAt = f
	}
	for _, f := range []struct {
		key string
		v   *string
		dst *time.Duration
	}{{"reminders.action_remind_before", fr.ActionRemindBefore, &in.ActionRemindBefore}, {"reminders.action_remind_every", fr.ActionRemindEvery, &in.ActionRemindEvery}} {
		if f.v == nil {
			continue
		}
		d, err := parseDuration(*f.v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.key, err))
			continue
		}
		*f.dst = d
	}
	names := map[string]bool{}
	for i, d := range fd {
		s, err := c.digestSchedule(d)
		if err != nil {
			errs = append(errs, fmt.Errorf("digests[%d]: %w", i, err))
			continue
		}
		if names[s.Name] {
			errs = append(errs, fmt.Errorf("digests[%d].name: %q is used twice (give each digest a name)", i, s.Name))
			continue
		}
		names[s.Name] = true
		in.Digests = append(in.Digests, s)
	}
	return errs
}

func (c *Config) digestSchedule(d fileDigest) (DigestSchedule, error) {
	s := DigestSchedule{Name: d.Name, Channel: strings.TrimPrefix(strings.TrimSpace(d.Channel), "#"), Cron: d.Schedule,
		Title: d.Title, Period: 7 * kpi.Day, Location: c.Insights.Calendar.Location}
	if s.Channel == "" {
		return s, errors.New("channel: required")
	}
	if s.Name == "" {
		s.Name = s.Channel
	}
	if strings.TrimSpace(d.Schedule) == "" {
		return s, errors.New(`schedule: required, a cron line like "CRON_TZ=Europe/Berlin 0 9 * * MON"`)
	}
	sched, err := cron.ParseStandard(d.Schedule)
	if err != nil {
		return s, fmt.Errorf("schedule: %q: %w", d.Schedule, err)
	}
	s.Sched = sched
	if f := strings.Fields(d.Schedule); len(f) > 0 {
		if tz, ok := strings.CutPrefix(f[0], "CRON_TZ="); ok {
			s.Location, _ = time.LoadLocation(tz)
		} else if tz, ok := strings.CutPrefix(f[0], "TZ="); ok {
			s.Location, _ = time.LoadLocation(tz)
		}
	}
	if d.Period != nil {
		if s.Period, err = kpi.ParsePeriod(*d.Period); err != nil {
			return s, fmt.Errorf("period: %q is not like 7d, 30d or all", *d.Period)
		}
	}
	if s.Sections, err = digest.ParseSections(d.Sections); err != nil {
		return s, fmt.Errorf("sections: %w", err)
	}
	for _, v := range d.Severities {
		sev, err := bot.ParseSeverity(v)
		if err != nil {
			return s, fmt.Errorf("severities: %q is not one of sev1, sev2, sev3, sev4", v)
		}
		s.Severities = append(s.Severities, sev)
	}
	return s, nil
}

// schedule is the digest.Schedule the runner takes.
func (d DigestSchedule) schedule() digest.Schedule {
	return digest.Schedule{Name: d.Name, Channel: d.Channel, Next: d.Sched.Next, Options: digest.Options{
		Period: d.Period, Location: d.Location, Severities: d.Severities, Sections: d.Sections, Title: d.Title,
	}}
}

type viewDigest struct {
	Name       string   `yaml:"name"`
	Channel    string   `yaml:"channel"`
	Schedule   string   `yaml:"schedule"`
	Period     string   `yaml:"period"`
	Sections   []string `yaml:"sections"`
	Severities []string `yaml:"severities,omitempty"`
	Title      string   `yaml:"title,omitempty"`
}

type viewPostmortem struct {
	Template string `yaml:"template"`
	Off      bool   `yaml:"off"`
}

type viewCalendar struct {
	TimeZone string   `yaml:"time_zone"`
	Workdays []string `yaml:"workdays"`
	Holidays []string `yaml:"holidays"`
}

// insightsViews are the digests, postmortem and calendar sections as
// config check prints them.
func (c *Config) insightsViews() ([]viewDigest, *viewPostmortem, *viewCalendar) {
	in := c.Insights
	var ds []viewDigest
	for _, d := range in.Digests {
		v := viewDigest{Name: d.Name, Channel: d.Channel, Schedule: d.Cron, Period: "all", Sections: d.Sections, Title: d.Title}
		if d.Period > 0 {
			v.Period = kpi.FormatPeriod(d.Period)
		}
		for _, s := range d.Severities {
			v.Severities = append(v.Severities, strings.ToLower(s.String()))
		}
		ds = append(ds, v)
	}
	pm := &viewPostmortem{Template: in.PostmortemTemplate, Off: in.PostmortemOff}
	if pm.Template == "" {
		pm.Template = "(built in)"
	}
	cal := &viewCalendar{TimeZone: "UTC"}
	if in.TimeZone != "" {
		cal.TimeZone = in.TimeZone
	}
	for _, w := range in.Calendar.Workdays {
		cal.Workdays = append(cal.Workdays, strings.ToLower(w.String()[:3]))
	}
	if len(cal.Workdays) == 0 {
		cal.Workdays = []string{"mon", "tue", "wed", "thu", "fri"}
	}
	cal.Holidays = []string{}
	for h := range in.Calendar.Holidays {
		cal.Holidays = append(cal.Holidays, h)
	}
	sort.Strings(cal.Holidays)
	return ds, pm, cal
}
