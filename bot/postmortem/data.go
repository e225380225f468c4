package postmortem

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// MaxTimeline is how many timeline lines a draft shows (the newest are
// dropped past it, with a note).
const MaxTimeline = 500

// Data is what a template sees. Every value is a string or a slice of
// plain structs of strings, so a template can neither call into warroom
// nor loop over a number.
type Data struct {
	Key, Title, Summary, Impact, Service, Source string
	Severity, Status                             string
	Started, Declared, Acknowledged, Mitigated   string
	Resolved, Closed                             string
	Duration                                     string // declared → resolved (or now)
	MTTD, MTTA, MTTR                             string
	Detection                                    string // which alert or person
	Commander                                    string
	Roles                                        []Role
	SeverityHistory                              []SeverityChange
	Timeline                                     []Line
	TimelineDropped                              string // "" or how many lines were left out
	Actions                                      []Action
	Links                                        []Link
	SLABreaches                                  []Line
	Generated                                    string
}

// Role is one assigned role.
type Role struct{ Name, User string }

// SeverityChange is one severity change.
type SeverityChange struct{ At, From, To, By string }

// Line is one timeline entry.
type Line struct{ At, Kind, Actor, Text string }

// Action is one action item.
type Action struct{ Seq, Title, Owner, Due, Kind, Status, Ticket string }

// Link is the incident in another system.
type Link struct{ System, ID, URL string }

// NewData builds a template's data from an incident, its timeline and
// action items; times are shown in loc (nil: UTC).
func NewData(inc *bot.Incident, timeline []bot.Entry, actions []bot.ActionItem, now time.Time, loc *time.Location) Data {
	if loc == nil {
		loc = time.UTC
	}
	ts := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04 MST") }
	opt := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return ts(*t)
	}
	dur := func(d time.Duration, ok bool) string {
		if !ok {
			return "n/a"
		}
		return bot.FormatDuration(d)
	}
	d := Data{
		Key: inc.Key(), Title: inc.Title, Summary: inc.Summary, Impact: inc.Impact, Service: inc.Service,
		Source: inc.Source, Severity: inc.Severity.String(), Status: string(inc.Status),
		Started: ts(inc.StartedAt), Declared: ts(inc.DeclaredAt), Acknowledged: opt(inc.AcknowledgedAt),
		Mitigated: opt(inc.MitigatedAt), Resolved: opt(inc.ResolvedAt), Closed: opt(inc.ClosedAt),
		MTTD: bot.FormatDuration(inc.TimeToDetect()), Commander: inc.Commander(), Generated: ts(now),
	}
	d.MTTA = dur(inc.TimeToAcknowledge())
	d.MTTR = dur(inc.TimeToResolve())
	end := now
	if inc.ResolvedAt != nil {
		end = *inc.ResolvedAt
	}
	d.Duration = bot.FormatDuration(end.Sub(inc.DeclaredAt))
	names := make([]string, 0, len(inc.Roles))
	for r := range inc.Roles {
		names = append(names, r)
	}
	sort.Slice(names, func(i, j int) bool {
		return roleRank(names[i]) < roleRank(names[j]) || roleRank(names[i]) == roleRank(names[j]) && names[i] < names[j]
	})
	for _, r := range names {
		d.Roles = append(d.Roles, Role{Name: r, User: "@" + inc.Roles[r]})
	}
	for _, sys := range []string{bot.LinkPagerDuty, bot.LinkJira, bot.LinkServiceNow} {
		if l, ok := inc.Links[sys]; ok {
			d.Links = append(d.Links, Link{System: sys, ID: l.ID, URL: l.URL})
		}
	}
	d.Detection = detection(inc, timeline)
	for i, e := range timeline {
		line := Line{At: ts(e.At), Kind: string(e.Kind), Actor: e.Actor, Text: e.Text}
		switch e.Kind {
		case bot.EntrySeverityChanged:
			d.SeverityHistory = append(d.SeverityHistory, SeverityChange{At: line.At, From: e.Data["old"], To: e.Data["new"], By: e.Actor})
		case bot.EntrySLABreached:
			d.SLABreaches = append(d.SLABreaches, line)
		case bot.EntryPostmortem:
			continue
		}
		if len(d.Timeline) == MaxTimeline {
			d.TimelineDropped = fmt.Sprint(len(timeline) - i)
			break
		}
		d.Timeline = append(d.Timeline, line)
	}
	for _, a := range actions {
		act := Action{Seq: fmt.Sprint(a.Seq), Title: a.Title, Kind: string(a.Kind), Status: string(a.Status), Ticket: a.Ticket}
		if a.Owner != "" {
			act.Owner = "@" + a.Owner
		}
		if a.Due != nil {
			act.Due = a.Due.In(loc).Format(time.DateOnly)
		}
		d.Actions = append(d.Actions, act)
	}
	return d
}

func roleRank(r string) int {
	for i, b := range bot.BuiltinRoles {
		if r == b {
			return i
		}
	}
	return len(bot.BuiltinRoles)
}

// detection says how the incident was found: the first alert, or who
// declared it.
func detection(inc *bot.Incident, timeline []bot.Entry) string {
	for _, e := range timeline {
		if e.Kind == bot.EntryAlertFired {
			return fmt.Sprintf("Alert from %s: %s", inc.Source, e.Text)
		}
	}
	for _, e := range timeline {
		if e.Kind == bot.EntryDeclared {
			if inc.Source != "manual" && inc.Source != "" {
				return "Alert from " + inc.Source
			}
			if e.Actor != "" {
				return "Declared by @" + strings.TrimPrefix(e.Actor, "@")
			}
		}
	}
	if inc.Source != "manual" && inc.Source != "" {
		return "Alert from " + inc.Source
	}
	return "Declared manually"
}
