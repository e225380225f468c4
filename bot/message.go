package bot

import (
	"fmt"
	"strconv"
	"time"
)

// Message is what the bot says, in a form every chat platform can render:
// Slack blocks, Discord embeds, console HTML, markdown.
type Message struct {
	Title    string   `json:"title,omitempty"`
	Text     string   `json:"text,omitempty"`
	Fields   []Field  `json:"fields,omitempty"`
	Buttons  []Button `json:"buttons,omitempty"`
	Severity Severity `json:"severity,omitempty"` // colours the message; 0 for none
	Incident int64    `json:"incident,omitempty"` // the incident it is about, if any
	Footer   string   `json:"footer,omitempty"`
	// Mentions are the people the message calls, as chat ids (users, Slack
	// user groups S…, Discord roles role:ID): each platform renders the
	// ones it knows as mentions that notify, and nothing else in the
	// message ever pings.
	Mentions []string `json:"mentions,omitempty"`
	// OnCall asks the delivering platform to mention, besides Mentions,
	// who is on call now for the incident's service (OnCallMentions).
	OnCall bool `json:"oncall,omitempty"`
	// Attachments are files posted with the message (a digest's chart);
	// platforms that cannot upload show their names.
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Field is one labelled value of a message. (Field names an incident field.)
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
	Link  string `json:"link,omitempty"`
}

// Button carries a command: clicking it is the same as typing the command, so
// every button goes through the same checks as text. "@me" in a command means
// the person who clicked.
type Button struct {
	Label   string `json:"label"`
	Command string `json:"command"`
	Style   string `json:"style,omitempty"` // "primary", "danger" or ""
	Form    string `json:"form,omitempty"`  // a form the platform opens first (e.g. "update", "resolve"); "" for none
}

// Attachment is a file posted with a message, e.g. a digest's PNG chart.
type Attachment struct {
	Name        string `json:"name"`         // file name, e.g. "digest.png"
	ContentType string `json:"content_type"` // e.g. "image/png"
	Title       string `json:"title,omitempty"`
	Data        []byte `json:"data"` // base64 in JSON
}

// Card is the incident card posted in the incident channel and the
// announcement channel, edited in place as the incident changes.
func Card(inc *Incident, publicURL string) Message { return CardWith(inc, nil, publicURL) }

// CardWith is Card listing the incident's alerts (alert_context.go).
func CardWith(inc *Incident, alerts []Alert, publicURL string) Message {
	key := inc.Key()
	m := Message{
		Title:    fmt.Sprintf("%s %s: %s", inc.Severity, key, inc.Title),
		Text:     inc.Summary,
		Severity: inc.Severity,
		Incident: inc.Number,
		Fields: []Field{
			{Label: "Status", Value: inc.Status.Label()},
			{Label: "Severity", Value: inc.Severity.String()},
			{Label: "Commander", Value: orNone(inc.Commander())},
			{Label: "Started", Value: inc.StartedAt.UTC().Format("2006-01-02 15:04 MST")},
		},
	}
	m.Fields = append(m.Fields, cardFields(inc)...)
	if inc.Service != "" {
		m.Fields = append(m.Fields, Field{Label: "Service", Value: inc.Service})
	}
	if inc.Impact != "" {
		m.Fields = append(m.Fields, Field{Label: "Impact", Value: inc.Impact})
	}
	if inc.Alerts > 0 {
		m.Fields = append(m.Fields, Field{Label: "Alerts", Value: fmt.Sprintf("%d firing of %d", inc.AlertsFiring, inc.Alerts)})
		m.Fields = append(m.Fields, alertFields(alerts, max(len(alerts), inc.Alerts))...)
	}
	for _, sys := range []string{LinkPagerDuty, LinkJira, LinkServiceNow, LinkRunbook, LinkSource, LinkSilence} {
		if l, ok := inc.Links[sys]; ok {
			m.Fields = append(m.Fields, Field{Label: linkLabel(sys), Value: l.ID, Link: l.URL})
		}
	}
	if publicURL != "" {
		m.Footer = publicURL + "/incidents/" + key
	}
	switch {
	case inc.Status == StatusTriggered:
		m.Buttons = append(m.Buttons, Button{Label: "Acknowledge", Command: "ack " + key, Style: "primary"})
	}
	if inc.Status.Open() {
		m.Buttons = append(m.Buttons,
			Button{Label: "Post update", Command: "update " + key, Form: "update"},
			Button{Label: "Resolve", Command: "resolve " + key, Style: "danger", Form: "resolve"},
		)
		if inc.Commander() == "" {
			m.Buttons = append(m.Buttons, Button{Label: "Take command", Command: "role " + key + " commander @me"})
		}
	}
	return m
}

func linkLabel(sys string) string {
	switch sys {
	case LinkPagerDuty:
		return "PagerDuty"
	case LinkJira:
		return "Jira"
	case LinkRunbook:
		return "Runbook"
	case LinkSource:
		return "Source alert"
	case LinkSilence:
		return "Silence"
	case LinkServiceNow:
		return "ServiceNow"
	}
	return sys
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// FormatDuration renders a duration for people: 45s, 12m, 3h05m, 2d4h.
func FormatDuration(d time.Duration) string {
	if d < 0 {
		return "-" + FormatDuration(-d)
	}
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd%dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}
