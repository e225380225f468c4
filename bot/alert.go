package bot

import (
	"sort"
	"strings"
	"time"
)

// AlertStatus is firing or resolved.
type AlertStatus string

// Alert statuses.
const (
	AlertFiring   AlertStatus = "firing"
	AlertResolved AlertStatus = "resolved"
)

// Alert is one monitoring alert, normalised from whichever sender raised it.
type Alert struct {
	ID          int64             `json:"id"`
	Source      string            `json:"source"`      // alertmanager, grafana, nagios, azure, sns, generic, pagerduty
	Fingerprint string            `json:"fingerprint"` // the sender's identity of the alert
	GroupKey    string            `json:"group_key"`   // alerts with one group key make one incident
	Status      AlertStatus       `json:"status"`
	Title       string            `json:"title"`
	Rule        string            `json:"rule,omitempty"` // the rule that raised it (AlertRule); set by HandleAlerts
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	StartsAt    time.Time         `json:"starts_at"` // zero: the sender gives none (HandleAlerts matches episodes)
	EndsAt      *time.Time        `json:"ends_at,omitempty"`
	URL         string            `json:"url,omitempty"` // link back to the source
	Incident    int64             `json:"incident,omitempty"`
	Window      int64             `json:"window,omitempty"` // the maintenance window that suppressed it
}

// DefaultGroupKey is the group of an alert when its sender gives none:
// alertname + service.
func DefaultGroupKey(labels map[string]string) string {
	return "alertname=" + labels["alertname"] + ",service=" + labels["service"]
}

// GroupKeyOf renders the values of the named labels, sorted by name, as a
// stable group key.
func GroupKeyOf(labels map[string]string, by []string) string {
	names := append([]string(nil), by...)
	sort.Strings(names)
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(n)
		b.WriteByte('=')
		b.WriteString(labels[n])
	}
	return b.String()
}

// SeverityFromLabel maps a sender's severity label to a Severity, the
// default of alert routing (README.md, "Alert routing, storms and
// maintenance"): critical → SEV2, error/major/high → SEV3, anything else
// → SEV4.
func SeverityFromLabel(v string) Severity {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "critical":
		return SEV2
	case "error", "major", "high":
		return SEV3
	}
	return SEV4
}
