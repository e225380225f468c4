package alertmanager

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/warroom/warroom/bot"
)

// Source is the bot.Alert source of this receiver.
const Source = "alertmanager"

// payload is Alertmanager's webhook body, version 4.
type payload struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []alert           `json:"alerts"`
}

type alert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// Decode turns one Alertmanager webhook body into alerts, one per alert
// of the group, in the order sent. A firing alert has no EndsAt (the
// 0001-01-01 of Alertmanager and a future "expected end" both mean unset);
// a resolved alert ends at its endsAt. The title is the summary annotation,
// else the alertname label.
func Decode(body []byte) ([]bot.Alert, error) {
	alerts, _, err := decode(body)
	return alerts, err
}

// decode is Decode that also returns truncatedAlerts.
func decode(body []byte) ([]bot.Alert, int, error) {
	var p payload
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&p); err != nil {
		return nil, 0, fmt.Errorf("invalid Alertmanager JSON: %w", err)
	}
	if dec.More() {
		return nil, 0, errors.New("invalid Alertmanager JSON: trailing data after the JSON object")
	}
	if p.Version != "4" {
		return nil, 0, fmt.Errorf("unsupported Alertmanager webhook version %q: warroom reads version \"4\"", p.Version)
	}
	if p.Alerts == nil {
		return nil, 0, errors.New("the Alertmanager payload has no \"alerts\" array")
	}
	if p.TruncatedAlerts < 0 {
		return nil, 0, fmt.Errorf("truncatedAlerts %d is negative", p.TruncatedAlerts)
	}
	out := make([]bot.Alert, 0, len(p.Alerts))
	for i, a := range p.Alerts {
		al, err := a.toAlert(p)
		if err != nil {
			return nil, 0, fmt.Errorf("alerts[%d]: %w", i, err)
		}
		out = append(out, al)
	}
	return out, p.TruncatedAlerts, nil
}

func (a alert) toAlert(p payload) (bot.Alert, error) {
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
		fp = labelsFingerprint(a.Labels)
	}
	out := bot.Alert{
		Source:      Source,
		Fingerprint: fp,
		GroupKey:    p.GroupKey,
		Status:      status,
		Title:       a.Annotations["summary"],
		Labels:      maps.Clone(a.Labels),
		Annotations: maps.Clone(a.Annotations),
		StartsAt:    a.StartsAt.UTC(),
		URL:         a.GeneratorURL,
	}
	if out.Title == "" {
		out.Title = a.Labels["alertname"]
	}
	if out.Title == "" {
		out.Title = "alert " + fp
	}
	if out.URL == "" {
		out.URL = p.ExternalURL
	}
	if status == bot.AlertResolved && !a.EndsAt.IsZero() {
		end := a.EndsAt.UTC()
		out.EndsAt = &end
	}
	return out, nil
}

// labelsFingerprint identifies an alert that came without a fingerprint by
// its label set.
func labelsFingerprint(labels map[string]string) string {
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(labels[k]))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
