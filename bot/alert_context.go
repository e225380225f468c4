package bot

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Annotations that carry links to the alert's context. Senders that know
// them (Prometheus rules' runbook_url, Grafana's dashboard, panel and
// silence URLs, the Alertmanager decoder's pre-filled silence) set them;
// AlertLinks turns them into links people can click.
const (
	AnnotationRunbook   = "runbook_url"
	AnnotationDashboard = "dashboard_url"
	AnnotationPanel     = "panel_url"
	AnnotationSilence   = "silence_url"
)

// LinkSilence is the incident link to silence the alert that declared it.
const LinkSilence = "silence"

// AlertView is one alert as a person reads it on the card, the incident
// page and the API: what fired, where, since when, and where to look.
type AlertView struct {
	Rule        string            `json:"rule"`
	Title       string            `json:"title"`
	Source      string            `json:"source"`
	Status      AlertStatus       `json:"status"`
	Summary     string            `json:"summary,omitempty"`
	Description string            `json:"description,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	StartsAt    time.Time         `json:"starts_at"`
	EndsAt      *time.Time        `json:"ends_at,omitempty"`
	Links       []Field           `json:"links,omitempty"` // runbook, source, dashboard, panel, silence
}

// ViewAlert is a's view.
func ViewAlert(a Alert) AlertView {
	return AlertView{
		Rule: AlertRule(a), Title: a.Title, Source: a.Source, Status: a.Status,
		Summary: a.Annotations["summary"], Description: a.Annotations["description"],
		Labels: maps.Clone(a.Labels), StartsAt: a.StartsAt, EndsAt: a.EndsAt, Links: AlertLinks(a),
	}
}

// AlertRule names the rule that raised an alert: its alertname label
// (every decoder sets one), else its title. Noisy-alert figures count by
// rule, so that one rule firing on many instances counts as one.
func AlertRule(a Alert) string {
	if r := SanitizeTitle(a.Labels["alertname"], MaxTitleLen); r != "" {
		return r
	}
	return SanitizeTitle(a.Title, MaxTitleLen)
}

// sourceLabels names the link back to each sender's own view of an alert.
var sourceLabels = map[string]string{
	"alertmanager": "Source", "grafana": "Grafana", "nagios": "Nagios host", "azure": "Azure portal",
	"sns": "CloudWatch console",
}

// AlertLinks lists an alert's links, each an absolute http(s) URL given
// once: runbook, source (the sender's page of the alert), dashboard,
// panel and silence.
func AlertLinks(a Alert) []Field {
	src := sourceLabels[a.Source]
	if src == "" {
		src = "Source"
	}
	cands := []Field{
		{Label: "Runbook", Link: a.Annotations[AnnotationRunbook]},
		{Label: "Runbook", Link: a.Annotations["runbook"]},
		{Label: "Panel", Link: a.Annotations[AnnotationPanel]},
		{Label: "Dashboard", Link: a.Annotations[AnnotationDashboard]},
		{Label: src, Link: a.URL},
		{Label: "Silence", Link: a.Annotations[AnnotationSilence]},
	}
	var out []Field
	seen := map[string]bool{}
	for _, f := range cands {
		if !httpURL(f.Link) || seen[f.Link] || (f.Label == "Runbook" && slices.ContainsFunc(out, func(g Field) bool { return g.Label == "Runbook" })) {
			continue
		}
		seen[f.Link] = true
		f.Value = f.Label
		out = append(out, f)
	}
	return out
}

// httpURL reports whether u is an absolute http(s) URL.
func httpURL(u string) bool {
	if u == "" || len(u) > 2048 {
		return false
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// alertIncidentLinks are the links an incident takes from the alert that
// declared it: its runbook, its source and its silence.
func alertIncidentLinks(a Alert) map[string]Link {
	out := map[string]Link{}
	for _, f := range AlertLinks(a) {
		switch f.Label {
		case "Runbook":
			out[LinkRunbook] = Link{ID: "runbook", URL: f.Link}
		case "Silence":
			out[LinkSilence] = Link{ID: "silence", URL: f.Link}
		case "Panel", "Dashboard":
			if _, ok := out[LinkSource]; !ok {
				out[LinkSource] = Link{ID: strings.ToLower(f.Label), URL: f.Link}
			}
		default:
			if _, ok := out[LinkSource]; !ok {
				out[LinkSource] = Link{ID: a.Source, URL: f.Link}
			}
		}
	}
	return out
}

// MaxCardAlerts is how many alerts the incident card lists.
const MaxCardAlerts = 5

// alertFields are the card's fields for an incident's alerts: the firing
// ones first, at most MaxCardAlerts, each its rule, summary and labels,
// linked to its source, then how many of the incident's total are not
// shown.
func alertFields(alerts []Alert, total int) []Field {
	as := slices.Clone(alerts)
	slices.SortStableFunc(as, func(a, b Alert) int {
		if (a.Status == AlertFiring) != (b.Status == AlertFiring) {
			if a.Status == AlertFiring {
				return -1
			}
			return 1
		}
		return 0
	})
	var out []Field
	for i, a := range as {
		if i == MaxCardAlerts {
			out = append(out, Field{Label: "More alerts", Value: fmt.Sprintf("%d more on the incident page", total-i)})
			break
		}
		v := AlertView{Summary: a.Annotations["summary"], Title: a.Title}
		text := v.Summary
		if text == "" {
			text = v.Title
		}
		if l := labelText(a.Labels); l != "" {
			text += " (" + l + ")"
		}
		f := Field{Label: fmt.Sprintf("Alert %s: %s", AlertRule(a), a.Status), Value: text}
		for _, l := range AlertLinks(a) {
			if l.Label != "Runbook" && l.Label != "Silence" {
				f.Link = l.Link
				break
			}
		}
		out = append(out, f)
	}
	return out
}

// labelText renders labels as k=v, sorted, leaving out alertname (the
// rule, shown already).
func labelText(labels map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		if k != "alertname" {
			parts = append(parts, k+"="+labels[k])
		}
	}
	return strings.Join(parts, ", ")
}

// IncidentAlerts lists the alerts of an incident, oldest first, at most
// limit (0: all).
func (s *Service) IncidentAlerts(ctx context.Context, number int64, limit int) ([]Alert, error) {
	return s.store.Alerts(ctx, AlertFilter{Incident: number, Limit: limit})
}

// CardWithAlerts is Card with the incident's alerts listed: what fired,
// its labels and its links. It reads only the alerts the card shows (the
// oldest firing ones, then the oldest resolved ones), however many the
// incident has. A read error leaves them out.
func (s *Service) CardWithAlerts(ctx context.Context, inc *Incident) Message {
	if inc.Alerts == 0 {
		return s.Card(inc)
	}
	// One more than shown, so that "more alerts" appears when the count
	// on the incident lags behind the rows.
	want := MaxCardAlerts + 1
	alerts, err := s.store.Alerts(ctx, AlertFilter{Incident: inc.Number, Status: AlertFiring, Limit: want})
	if err == nil && len(alerts) < want && len(alerts) < inc.Alerts {
		var resolved []Alert
		resolved, err = s.store.Alerts(ctx, AlertFilter{Incident: inc.Number, Status: AlertResolved, Limit: want - len(alerts)})
		alerts = append(alerts, resolved...)
	}
	if err != nil {
		s.log.Warn("read the alerts of the card", "incident", inc.Key(), "err", err)
		return s.Card(inc)
	}
	return s.names.Message(s.labelFields(CardWith(inc, alerts, s.public)))
}
