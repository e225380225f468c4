package pagerduty

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// Event is one v3 webhook event, the fields warroom uses.
type Event struct {
	ID           string    `json:"id"`
	EventType    string    `json:"event_type"` // e.g. "incident.triggered"
	ResourceType string    `json:"resource_type"`
	OccurredAt   string    `json:"occurred_at"`
	Agent        *Ref      `json:"agent"`
	Data         EventData `json:"data"`
}

// Ref is a PagerDuty reference object.
type Ref struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Summary string `json:"summary"`
	HTMLURL string `json:"html_url"`
}

// EventData is the event's data: an incident, or for incident.annotated a
// note naming its incident.
type EventData struct {
	ID          string `json:"id"`
	Type        string `json:"type"` // "incident", "incident_note"
	HTMLURL     string `json:"html_url"`
	Number      int64  `json:"number"`
	Status      string `json:"status"`
	IncidentKey string `json:"incident_key"`
	Title       string `json:"title"`
	Urgency     string `json:"urgency"`
	Service     *Ref   `json:"service"`
	Priority    *Ref   `json:"priority"`
	Assignees   []Ref  `json:"assignees"`
	// incident.annotated
	Incident *Ref   `json:"incident"`
	Content  string `json:"content"`
}

type envelope struct {
	Event *Event `json:"event"`
}

// ErrBadPayload is a body that is not a v3 webhook.
var ErrBadPayload = errors.New("not a PagerDuty v3 webhook")

// DecodeEvent decodes a v3 webhook body ({"event": {...}}). Unknown fields
// are ignored: PagerDuty adds fields without notice; a key given twice is
// refused.
func DecodeEvent(body []byte) (*Event, error) {
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadPayload, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the JSON object", ErrBadPayload)
	}
	if err := httpx.UniqueKeys(body); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadPayload, err)
	}
	if env.Event == nil || env.Event.EventType == "" {
		return nil, fmt.Errorf("%w: no event type", ErrBadPayload)
	}
	return env.Event, nil
}

// IncidentID is the PagerDuty incident the event concerns.
func (e *Event) IncidentID() string {
	if e.Data.Type == "incident" || e.Data.Incident == nil {
		return e.Data.ID
	}
	return e.Data.Incident.ID
}

// IncidentURL is where a person opens the PagerDuty incident.
func (e *Event) IncidentURL() string {
	if e.Data.Incident != nil && e.Data.Type != "incident" {
		return e.Data.Incident.HTMLURL
	}
	return e.Data.HTMLURL
}

// AgentName names who did it in PagerDuty.
func (e *Event) AgentName() string {
	if e.Agent != nil && e.Agent.Summary != "" {
		return e.Agent.Summary
	}
	return "PagerDuty"
}

// Severity derives a warroom severity from the priority (P1..P4) or,
// without one, from the urgency (high SEV2, low SEV3).
func (e *Event) Severity() bot.Severity {
	if p := e.Data.Priority; p != nil {
		s := strings.ToUpper(strings.TrimSpace(p.Summary))
		if len(s) == 2 && s[0] == 'P' && s[1] >= '1' && s[1] <= '4' {
			return bot.Severity(s[1] - '0')
		}
		if s == "P5" {
			return bot.SEV4
		}
	}
	if strings.EqualFold(e.Data.Urgency, "low") {
		return bot.SEV3
	}
	return bot.SEV2
}

// AssigneeNames lists the assignees' names.
func (e *Event) AssigneeNames() []string {
	var out []string
	for _, a := range e.Data.Assignees {
		if a.Summary != "" {
			out = append(out, a.Summary)
		}
	}
	return out
}
