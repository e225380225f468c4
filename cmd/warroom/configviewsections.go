package main

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/schedule"
	"github.com/warroom/warroom/integrations/generic"
)

// The sections of `warroom config check` beyond the core ones: each shows
// the effective value, defaults filled in, so that the output answers "what
// will warroom do" without reading the code. Secrets never appear here:
// pagerduty.services shows the variable names, and the environment section
// shows the keys themselves redacted.

type viewPagerDuty struct {
	PageAt      string            `yaml:"page_at"`
	From        string            `yaml:"from"`
	Triggered   string            `yaml:"triggered"`
	Services    map[string]string `yaml:"services"` // name → variable holding its routing key
	UserService string            `yaml:"user_service"`
	Users       map[string]string `yaml:"users"`
	Schedules   map[string]string `yaml:"schedules"`
	OnCallCache string            `yaml:"oncall_cache"`
}

type viewEscalation struct {
	Enabled  bool     `yaml:"enabled"`
	Levels   []int    `yaml:"levels"`
	Mention  []string `yaml:"mention"`
	Interval string   `yaml:"interval"`
}

type viewRoute struct {
	Name         string   `yaml:"name"`
	Match        []string `yaml:"match"`
	GroupBy      []string `yaml:"group_by,omitempty"`
	Severity     string   `yaml:"severity,omitempty"`
	Service      string   `yaml:"service,omitempty"`
	Channel      string   `yaml:"channel,omitempty"`
	AutoDeclare  bool     `yaml:"auto_declare"`
	AutoResolve  bool     `yaml:"auto_resolve"`
	ReopenWindow string   `yaml:"reopen_window"`
}

type viewAlerts struct {
	ReopenWindow string `yaml:"reopen_window"`
	MaxQueued    int    `yaml:"max_queued"`
}

type viewMaintenance struct {
	Name    string   `yaml:"name"`
	Match   []string `yaml:"match"`
	Start   string   `yaml:"start"`
	End     string   `yaml:"end"`
	Comment string   `yaml:"comment,omitempty"`
}

type viewReminders struct {
	Off                bool    `yaml:"off"`
	RemindAt           float64 `yaml:"remind_at"`
	ActionRemindBefore string  `yaml:"action_remind_before"`
	ActionRemindEvery  string  `yaml:"action_remind_every"`
}

// Defaults applied downstream of the configuration, shown by config check.
const (
	defaultPageAt             = bot.SEV2
	defaultTriggered          = "declare"
	defaultOnCallCache        = time.Minute
	defaultRemindAt           = 0.8
	defaultActionRemindBefore = 24 * time.Hour
	defaultActionRemindEvery  = 7 * 24 * time.Hour
)

// sectionViews fills v's slack, paging, alerting, receiver and reminder
// sections from c.
func (c *Config) sectionViews(v *configView) {
	v.Slack = fileSlack{Responders: nonNil(c.Slack.Responders), UserGroups: nonNil(c.Slack.UserGroups)} // shown as written

	p := c.Paging
	v.PagerDuty = viewPagerDuty{
		PageAt: sevKey(defaultPageAt), From: p.From, Triggered: orDefault(p.Triggered, defaultTriggered),
		Services: nonNilMap(p.Services), UserService: p.UserService, Users: nonNilMap(p.Users),
		Schedules: nonNilMap(p.Schedules), OnCallCache: formatDuration(defaultOnCallCache),
	}
	if p.PageAt.Valid() {
		v.PagerDuty.PageAt = sevKey(p.PageAt)
	}
	if p.OnCallCache > 0 {
		v.PagerDuty.OnCallCache = formatDuration(p.OnCallCache)
	}

	e := c.Escalation
	v.Escalation = viewEscalation{Enabled: !e.Off, Levels: e.Levels, Mention: nonNil(e.Mention), Interval: formatDuration(schedule.DefaultInterval)}
	if v.Escalation.Levels == nil {
		v.Escalation.Levels = bot.DefaultEscalationLevels
	}
	if e.Interval > 0 {
		v.Escalation.Interval = formatDuration(e.Interval)
	}

	v.Routes = []viewRoute{}
	for _, r := range c.Routes {
		vr := viewRoute{
			Name: r.Name, Match: matcherStrings(r.Matchers), GroupBy: r.GroupBy, Service: r.Service, Channel: r.Channel,
			AutoDeclare: r.AutoDeclare, AutoResolve: r.AutoResolve, ReopenWindow: formatDuration(r.ReopenWindow),
		}
		if r.Severity.Valid() {
			vr.Severity = sevKey(r.Severity)
		}
		v.Routes = append(v.Routes, vr)
	}
	v.Alerts = viewAlerts{ReopenWindow: formatDuration(c.AlertReopenWindow), MaxQueued: c.AlertMaxQueued}
	if v.Alerts.MaxQueued == 0 {
		v.Alerts.MaxQueued = bot.DefaultMaxQueued
	}
	v.Maintenance = []viewMaintenance{}
	for _, w := range c.Maintenance {
		v.Maintenance = append(v.Maintenance, viewMaintenance{
			Name: w.Name, Match: matcherStrings(w.Matchers), Comment: w.Comment,
			Start: w.StartsAt.UTC().Format(time.RFC3339), End: w.EndsAt.UTC().Format(time.RFC3339),
		})
	}

	v.SNSTopicARNs = nonNil(c.Receivers.SNSTopicARNs)
	v.Generic = c.Receivers.Generic
	if len(v.Generic.ResolvedValues) == 0 {
		v.Generic.ResolvedValues = generic.DefaultResolvedValues
	}
	v.Generic.Labels = nonNilMap(v.Generic.Labels)

	in := c.Insights
	v.Reminders = viewReminders{
		Off: in.RemindersOff, RemindAt: defaultRemindAt,
		ActionRemindBefore: formatDuration(defaultActionRemindBefore), ActionRemindEvery: formatDuration(defaultActionRemindEvery),
	}
	if in.RemindAt > 0 && in.RemindAt < 1 {
		v.Reminders.RemindAt = in.RemindAt
	}
	if in.ActionRemindBefore > 0 {
		v.Reminders.ActionRemindBefore = formatDuration(in.ActionRemindBefore)
	}
	if in.ActionRemindEvery > 0 {
		v.Reminders.ActionRemindEvery = formatDuration(in.ActionRemindEvery)
	}

	v.Environment.GrafanaWebhookSecret = c.Receivers.GrafanaSecret
	v.Environment.AzureTenantID = c.Receivers.AzureTenant
	v.Environment.AzureWebhookAudience = c.Receivers.AzureAudience
	if len(c.Paging.ServiceKeys) > 0 {
		v.Environment.PagerDutyServiceKeys = map[string]Secret{}
		for _, name := range slices.Sorted(maps.Keys(c.Paging.ServiceKeys)) {
			v.Environment.PagerDutyServiceKeys[strings.TrimSpace(c.Paging.Services[name])] = c.Paging.ServiceKeys[name]
		}
	}
}

func matcherStrings(ms []bot.Matcher) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.String())
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
