package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Built-in roles. Config may add more.
const (
	RoleCommander      = "commander"
	RoleCommunications = "communications"
	RoleScribe         = "scribe"
)

// BuiltinRoles are the roles every deployment has.
var BuiltinRoles = []string{RoleCommander, RoleCommunications, RoleScribe}

// Link points at the same incident in another system.
type Link struct {
	ID  string `json:"id"`            // the other system's key: PD incident id, Jira key, ServiceNow sys_id
	URL string `json:"url,omitempty"` // where a person opens it
}

// Link systems.
const (
	LinkPagerDuty  = "pagerduty"
	LinkJira       = "jira"
	LinkServiceNow = "servicenow"
	LinkRunbook    = "runbook" // the runbook of the alert that declared the incident
	LinkSource     = "source"  // the alert itself, in the system that raised it
)

// Incident is one incident and everything it is now; its history is the timeline.
type Incident struct {
	Number   int64    `json:"number"`
	Title    string   `json:"title"`
	Summary  string   `json:"summary,omitempty"`
	Impact   string   `json:"impact,omitempty"`
	Service  string   `json:"service,omitempty"`
	Source   string   `json:"source"` // "manual" or the alert source
	Severity Severity `json:"severity"`
	Status   Status   `json:"status"`
	Private  bool     `json:"private"`

	StartedAt      time.Time  `json:"started_at"`
	DeclaredAt     time.Time  `json:"declared_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	MitigatedAt    *time.Time `json:"mitigated_at,omitempty"`
	ResolvedAt     *time.Time `json:"resolved_at,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	UpdatedAt      time.Time  `json:"updated_at"`
	LastUpdateAt   *time.Time `json:"last_update_at,omitempty"` // last status update posted

	Roles    map[string]string `json:"roles,omitempty"`    // role → user
	Channels map[string]string `json:"channels,omitempty"` // platform → channel id
	Links    map[string]Link   `json:"links,omitempty"`    // system → link
	// Announce is the chat channel the incident is announced in, named by
	// the alert route that declared it; "": the configured default.
	Announce string `json:"announce,omitempty"`
	// Responders are called into the room: chat users, Slack user groups,
	// Discord roles (responders.go).
	Responders []string `json:"responders,omitempty"`
	// Route is the alert route that declared it; "" for an incident
	// declared by hand. Its ticket systems (Route.Tickets) decide where
	// the incident's tickets go.
	Route string `json:"route,omitempty"`
	// Type is the incident's configured type (types.go); "" when no types
	// are configured.
	Type string `json:"type,omitempty"`
	// Fields are the custom fields set, name → value in its canonical
	// form (fields.go).
	Fields  map[string]string `json:"fields,omitempty"`
	Version int64             `json:"version"` // bumped on every change

	Alerts       int `json:"alerts,omitempty"`        // alerts attached to the incident
	AlertsFiring int `json:"alerts_firing,omitempty"` // of which still firing
}

// Key is the incident's public name, INC-<n>.
func (inc *Incident) Key() string { return FormatKey(inc.Number) }

// Commander returns the commander's user, or "".
func (inc *Incident) Commander() string { return inc.Roles[RoleCommander] }

// FormatKey renders an incident number as INC-<n>.
func FormatKey(n int64) string { return "INC-" + strconv.FormatInt(n, 10) }

// ParseKey accepts INC-42 (any case) or a bare 42.
func ParseKey(text string) (int64, error) {
	t := strings.TrimSpace(text)
	if len(t) > 4 && strings.EqualFold(t[:4], "INC-") {
		t = t[4:]
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 {
		return 0, Errorf(CodeInvalid, "%q is not an incident key like INC-42", text)
	}
	return n, nil
}

// LooksLikeKey reports whether text has the INC-<n> shape.
func LooksLikeKey(text string) bool {
	if len(text) < 5 || !strings.EqualFold(text[:4], "INC-") {
		return false
	}
	_, err := strconv.ParseUint(text[4:], 10, 63)
	return err == nil
}

// Clone returns a deep copy, so that a before-image survives changes.
func (inc *Incident) Clone() *Incident {
	c := *inc
	c.Roles = cloneMap(inc.Roles)
	c.Channels = cloneMap(inc.Channels)
	c.Fields = cloneMap(inc.Fields)
	if inc.Links != nil {
		c.Links = make(map[string]Link, len(inc.Links))
		for k, v := range inc.Links {
			c.Links[k] = v
		}
	}
	for _, p := range []**time.Time{&c.AcknowledgedAt, &c.MitigatedAt, &c.ResolvedAt, &c.ClosedAt, &c.LastUpdateAt} {
		if *p != nil {
			t := **p
			*p = &t
		}
	}
	return &c
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// ChannelName is the chat channel an incident gets: inc-42-short-title, at most
// 80 characters (Slack's limit), lowercase letters, digits and dashes.
func ChannelName(inc *Incident) string { return channelName("inc", inc) }

// ChannelName is the chat channel inc gets, under the channel prefix of
// its type (types.go): sec-42-short-title.
func (s *Service) ChannelName(inc *Incident) string { return channelName(s.ChannelPrefix(inc), inc) }

func channelName(prefix string, inc *Incident) string {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteString("-")
	b.WriteString(strconv.FormatInt(inc.Number, 10))
	dash := true
	for _, r := range strings.ToLower(inc.Title) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		switch {
		case ok && dash:
			b.WriteByte('-')
			b.WriteRune(r)
			dash = false
		case ok:
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// Durations derived from the incident's times, whose medians and means are
// the MTTD, MTTA and MTTR of the KPIs (README.md, "Incident model in
// brief"). ok is false while the end time is not set.
func (inc *Incident) TimeToDetect() time.Duration { return inc.DeclaredAt.Sub(inc.StartedAt) }

// TimeToAcknowledge is acknowledged − declared.
func (inc *Incident) TimeToAcknowledge() (time.Duration, bool) {
	return since(inc.DeclaredAt, inc.AcknowledgedAt)
}

// TimeToResolve is resolved − declared.
func (inc *Incident) TimeToResolve() (time.Duration, bool) {
	return since(inc.DeclaredAt, inc.ResolvedAt)
}

func since(from time.Time, to *time.Time) (time.Duration, bool) {
	if to == nil {
		return 0, false
	}
	return to.Sub(from), true
}

// TimeField names an editable incident time.
type TimeField string

// The editable times.
const (
	TimeStarted      TimeField = "started"
	TimeDeclared     TimeField = "declared"
	TimeAcknowledged TimeField = "acknowledged"
	TimeMitigated    TimeField = "mitigated"
	TimeResolved     TimeField = "resolved"
	TimeClosed       TimeField = "closed"
)

// TimeFields lists the editable times in order.
var TimeFields = []TimeField{TimeStarted, TimeDeclared, TimeAcknowledged, TimeMitigated, TimeResolved, TimeClosed}

// ParseTimeField accepts one of TimeFields.
func ParseTimeField(s string) (TimeField, error) {
	for _, f := range TimeFields {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	return "", Errorf(CodeInvalid, "time %q is not one of started, declared, acknowledged, mitigated, resolved, closed", s)
}

// timeRef returns where the named time lives, and whether it may be unset.
func (inc *Incident) timeRef(f TimeField) (fixed *time.Time, optional **time.Time) {
	switch f {
	case TimeStarted:
		return &inc.StartedAt, nil
	case TimeDeclared:
		return &inc.DeclaredAt, nil
	case TimeAcknowledged:
		return nil, &inc.AcknowledgedAt
	case TimeMitigated:
		return nil, &inc.MitigatedAt
	case TimeResolved:
		return nil, &inc.ResolvedAt
	case TimeClosed:
		return nil, &inc.ClosedAt
	}
	panic(fmt.Sprintf("bot: unknown time field %q", f))
}

// TextField names an editable text field.
type TextField string

// The editable text fields.
const (
	FieldTitle   TextField = "title"
	FieldSummary TextField = "summary"
	FieldImpact  TextField = "impact"
	FieldService TextField = "service"
)

// ParseTextField accepts title, summary, impact or service.
func ParseTextField(s string) (TextField, error) {
	for _, f := range []TextField{FieldTitle, FieldSummary, FieldImpact, FieldService} {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	return "", Errorf(CodeInvalid, "field %q is not one of title, summary, impact, service", s)
}

func (inc *Incident) fieldRef(f TextField) *string {
	switch f {
	case FieldTitle:
		return &inc.Title
	case FieldSummary:
		return &inc.Summary
	case FieldImpact:
		return &inc.Impact
	case FieldService:
		return &inc.Service
	}
	panic(fmt.Sprintf("bot: unknown field %q", f))
}
