package config

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
	"github.com/warroom/warroom/bot/postmortem"
)

// Insights is the digests, postmortem, calendar and reminders sections.
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
//	  overdue_summary: "CRON_TZ=Europe/Berlin 0 9 * * MON"  # each owner's overdue items, as a DM
type Insights struct {
	Digests    []Digest   `yaml:"digests"`
	Postmortem Postmortem `yaml:"postmortem"`
	Calendar   Calendar   `yaml:"calendar"`
	Reminders  Reminders  `yaml:"reminders"`
	Problems   Problems   `yaml:"problems"` // candidate problems (problems.go)
}

func (in *Insights) fill() {
	in.Calendar.fill()
	in.Reminders.fill()
	in.Problems.fill()
}

func (in *Insights) check() []error {
	errs := in.Calendar.check()
	errs = append(errs, in.Postmortem.check()...)
	errs = append(errs, in.Reminders.check()...)
	errs = append(errs, in.Problems.check()...)
	names := map[string]bool{}
	for i := range in.Digests {
		d := &in.Digests[i]
		if err := d.check(in.Calendar.Location); err != nil {
			errs = append(errs, fmt.Errorf("digests[%d]: %w", i, err))
			continue
		}
		if names[d.Name] {
			errs = append(errs, fmt.Errorf("digests[%d].name: %q is used twice (give each digest a name)", i, d.Name))
			continue
		}
		names[d.Name] = true
	}
	return errs
}

// defaultDigestPeriod is the period of a configured digest that names none.
const defaultDigestPeriod = Period(7 * kpi.Day)

// Digest is one configured digest.
type Digest struct {
	Name       string         `yaml:"name"` // default: the channel
	Channel    string         `yaml:"channel"`
	Cron       string         `yaml:"schedule"`
	Period     Period         `yaml:"period"`
	Sections   []string       `yaml:"sections"` // default: all
	Severities []bot.Severity `yaml:"severities,omitempty"`
	Title      string         `yaml:"title,omitempty"`
	// Platforms are the chat platforms it is posted on (slack, discord);
	// empty: every one configured. Channel is a name or an id on each.
	Platforms []string `yaml:"platforms,omitempty"`

	Location *time.Location // CRON_TZ of the schedule, else the calendar's
	Sched    cron.Schedule  // Cron, parsed
}

func (d *Digest) setDefaults() { d.Period = defaultDigestPeriod }

func (d *Digest) check(loc *time.Location) error {
	d.Channel = strings.TrimPrefix(d.Channel, "#")
	if d.Channel == "" {
		return errors.New("channel: required")
	}
	if d.Name == "" {
		d.Name = d.Channel
	}
	if d.Cron == "" {
		return errors.New(`schedule: required, a cron line like "CRON_TZ=Europe/Berlin 0 9 * * MON"`)
	}
	sched, err := cron.ParseStandard(d.Cron)
	if err != nil {
		return fmt.Errorf("schedule: %q: %w", d.Cron, err)
	}
	d.Sched, d.Location = sched, loc
	if f := strings.Fields(d.Cron); len(f) > 0 {
		if tz, ok := strings.CutPrefix(f[0], "CRON_TZ="); ok {
			d.Location, _ = time.LoadLocation(tz)
		} else if tz, ok := strings.CutPrefix(f[0], "TZ="); ok {
			d.Location, _ = time.LoadLocation(tz)
		}
	}
	if d.Sections, err = digest.ParseSections(d.Sections); err != nil {
		return fmt.Errorf("sections: %w", err)
	}
	for i, p := range d.Platforms {
		if p != "slack" && p != "discord" {
			return fmt.Errorf("platforms[%d]: %q is not slack or discord", i, p)
		}
	}
	return nil
}

// Schedule is the digest.Schedule the runner takes.
func (d Digest) Schedule() digest.Schedule {
	return digest.Schedule{Name: d.Name, Channel: d.Channel, Next: d.Sched.Next, Options: digest.Options{
		Period: time.Duration(d.Period), Location: d.Location, Severities: d.Severities, Sections: d.Sections, Title: d.Title,
	}, Platforms: d.Platforms}
}

// Postmortem is the postmortem section: drafts on resolve, from a custom
// template or the built-in one.
type Postmortem struct {
	Template string `yaml:"template" empty:"(built in)"` // file path; "" for the built-in template
	Off      bool   `yaml:"off"`
	Text     string // the template's content, read at start (not printed)
}

func (p *Postmortem) check() []error {
	if p.Template == "" {
		return nil
	}
	b, err := os.ReadFile(p.Template)
	if err != nil {
		return []error{fmt.Errorf("postmortem.template: %w", err)}
	}
	p.Text = string(b)
	if _, err := postmortem.New(postmortem.Config{Template: p.Text, Name: p.Template}); err != nil {
		return []error{fmt.Errorf("postmortem.template: %w", err)}
	}
	return nil
}

// Calendar is the calendar section, business days for postmortem_due, and
// the kpi.Calendar built from it.
type Calendar struct {
	TimeZone     string         `yaml:"time_zone"`
	Days         []time.Weekday `yaml:"workdays"`
	Dates        []string       `yaml:"holidays"` // sorted
	kpi.Calendar                // from the keys above
}

func (c *Calendar) fill() {
	if c.TimeZone == "" {
		c.TimeZone, c.Location = "UTC", time.UTC
	}
	if len(c.Days) == 0 {
		c.Days = slices.Clone(kpi.DefaultWorkdays)
	}
	c.Workdays = c.Days
}

func (c *Calendar) check() []error {
	var errs []error
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		errs = append(errs, fmt.Errorf("calendar.time_zone: %q is not a time zone like Europe/Berlin", c.TimeZone))
	}
	c.Location = loc
	c.Holidays = nil
	for i, h := range c.Dates {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			errs = append(errs, fmt.Errorf("calendar.holidays[%d]: %q is not a date like 2026-12-25", i, h))
			continue
		}
		if c.Holidays == nil {
			c.Holidays = map[string]bool{}
		}
		c.Holidays[h] = true
	}
	slices.Sort(c.Dates)
	return errs
}

// Reminders is the reminders section: SLA and action-item reminders.
type Reminders struct {
	Off                bool          `yaml:"off"`
	RemindAt           float64       `yaml:"remind_at"` // share of a target, e.g. 0.8
	ActionRemindBefore time.Duration `yaml:"action_remind_before"`
	ActionRemindEvery  time.Duration `yaml:"action_remind_every"`
	// OverdueSummary is the cron schedule of the summary each owner gets
	// of their overdue action items, as a direct message; "": none.
	OverdueSummary string `yaml:"overdue_summary"`

	Summary cron.Schedule // OverdueSummary, parsed; nil for none
}

func (r *Reminders) fill() {
	if r.RemindAt == 0 {
		r.RemindAt = bot.DefaultRemindAt
	}
	if r.ActionRemindBefore <= 0 {
		r.ActionRemindBefore = bot.DefaultActionRemindBefore
	}
	if r.ActionRemindEvery <= 0 {
		r.ActionRemindEvery = bot.DefaultActionRemindEvery
	}
}

func (r *Reminders) check() []error {
	var errs []error
	if r.RemindAt <= 0 || r.RemindAt >= 1 {
		errs = append(errs, fmt.Errorf("reminders.remind_at: %v is not between 0 and 1 (e.g. 0.8)", r.RemindAt))
	}
	r.Summary = nil
	if r.OverdueSummary != "" {
		sched, err := cron.ParseStandard(r.OverdueSummary)
		if err != nil {
			errs = append(errs, fmt.Errorf("reminders.overdue_summary: %q: %w", r.OverdueSummary, err))
		}
		r.Summary = sched
	}
	return errs
}
