package amshape

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// Payload is the group a webhook body carries; A is the per-alert type,
// Alert or a type that embeds it.
type Payload[A any] struct {
	Version           string    `json:"version"`
	GroupKey          string    `json:"groupKey"`
	TruncatedAlerts   int       `json:"truncatedAlerts"`
	Status            string    `json:"status"`
	Receiver          string    `json:"receiver"`
	GroupLabels       StringMap `json:"groupLabels"`
	CommonLabels      StringMap `json:"commonLabels"`
	CommonAnnotations StringMap `json:"commonAnnotations"`
	ExternalURL       string    `json:"externalURL"`
	Alerts            []A       `json:"alerts"`
}

// Alert is one alert of the group.
type Alert struct {
	Status       string    `json:"status"`
	Labels       StringMap `json:"labels"`
	Annotations  StringMap `json:"annotations"`
	StartsAt     time.Time `json:"startsAt"`
	EndsAt       time.Time `json:"endsAt"`
	GeneratorURL string    `json:"generatorURL"`
	Fingerprint  string    `json:"fingerprint"`
}

// Unmarshal decodes body, one JSON object with nothing after it, into v;
// sender names the product in errors ("invalid Grafana JSON: ...").
// It decodes the body in place (a json.Decoder would copy it first).
func Unmarshal(body []byte, sender string, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) && strings.Contains(syn.Error(), "after top-level value") {
			return fmt.Errorf("invalid %s JSON: trailing data after the JSON object", sender)
		}
		if len(bytes.TrimSpace(body)) == 0 {
			err = io.EOF // what a stream decoder says, and clearer than "unexpected end"
		}
		return fmt.Errorf("invalid %s JSON: %w", sender, err)
	}
	return nil
}

// UnmarshalGroup is Unmarshal for a v that holds a group's alerts in
// *alerts: the slice is made once, as long as the alerts the body appears
// to carry (encoding/json would grow it from one, a copy of every alert
// decoded so far at each doubling). A missing, null or empty "alerts" reads
// as it does through Unmarshal.
func UnmarshalGroup[A any](body []byte, sender string, v any, alerts *[]A) error {
	n := min(bytes.Count(body, alertLabelsKey), maxAlertsHint)
	if n == 0 {
		return Unmarshal(body, sender, v)
	}
	*alerts = make([]A, 0, n)
	if err := Unmarshal(body, sender, v); err != nil || len(*alerts) > 0 {
		return err
	}
	// None decoded: decoded again from nil, so that a missing "alerts"
	// stays missing.
	*alerts = nil
	return Unmarshal(body, sender, v)
}

// alertLabelsKey is the key each alert of a group names its labels by
// (the group's own are "groupLabels" and "commonLabels"); maxAlertsHint
// bounds what a body full of it makes room for before it is decoded.
var alertLabelsKey = []byte(`"labels"`)

const maxAlertsHint = 256

// Convert checks the group (an "alerts" array, a truncatedAlerts that is
// not negative) and turns each alert into a bot.Alert with conv, in the
// order sent; an error names the alert's index.
func Convert[A any](p *Payload[A], sender string, conv func(A) (bot.Alert, error)) ([]bot.Alert, error) {
	if p.Alerts == nil {
		return nil, fmt.Errorf("the %s payload has no \"alerts\" array", sender)
	}
	if p.TruncatedAlerts < 0 {
		return nil, fmt.Errorf("truncatedAlerts %d is negative", p.TruncatedAlerts)
	}
	out := make([]bot.Alert, 0, len(p.Alerts))
	for i, a := range p.Alerts {
		al, err := conv(a)
		if err != nil {
			return nil, fmt.Errorf("alerts[%d]: %w", i, err)
		}
		out = append(out, al)
	}
	return out, nil
}

// Base is the bot.Alert that a carries in the shared shape: status
// "firing" or "resolved", labels required, the fingerprint sent or else
// one of the label set, labels and annotations taken as they are (not
// copied: a is decoded for this call, and the receivers add to the
// annotations), the title the
// summary annotation else the alertname label (maybe empty), the URL the
// generatorURL (maybe empty), and an end only when resolved with an
// endsAt (a firing alert's endsAt is at most an expected end).
func (a Alert) Base(source, groupKey string) (bot.Alert, error) {
	var status bot.AlertStatus
	switch a.Status {
	case "firing":
		status = bot.AlertFiring
	case "resolved":
		status = bot.AlertResolved
	default:
		return bot.Alert{}, fmt.Errorf("status %q is neither \"firing\" nor \"resolved\"", a.Status)
	}
	if len(a.Labels) == 0 {
		return bot.Alert{}, errors.New("the alert has no labels")
	}
	fp := a.Fingerprint
	if fp == "" {
		fp = LabelsFingerprint(a.Labels)
	}
	out := bot.Alert{
		Source:      source,
		Fingerprint: fp,
		GroupKey:    groupKey,
		Status:      status,
		Title:       FirstOf(a.Annotations["summary"], a.Labels["alertname"]),
		Labels:      a.Labels,
		Annotations: a.Annotations,
		StartsAt:    a.StartsAt.UTC(),
		URL:         a.GeneratorURL,
	}
	if status == bot.AlertResolved && !a.EndsAt.IsZero() {
		end := a.EndsAt.UTC()
		out.EndsAt = &end
	}
	return out, nil
}

// FirstOf returns the first of vs that is not empty, else "".
func FirstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// LabelsFingerprint identifies an alert that came without a fingerprint
// by its label set: 16 hex digits of a SHA-256 of the sorted pairs.
func LabelsFingerprint(labels map[string]string) string {
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(labels[k]))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
