package grafana

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/warroom/warroom/bot"
)

// Source is the bot.Alert source of this receiver.
const Source = "grafana"

// payload is the body of Grafana's webhook contact point.
type payload struct {
	Receiver          string            `json:"receiver"`
	Status            string            `json:"status"`
	OrgID             int64             `json:"orgId"`
	Alerts            []alert           `json:"alerts"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Title             string            `json:"title"`
	State             string            `json:"state"`
	Message           string            `json:"message"`
}

type alert struct {
	Status       string             `json:"status"`
	Labels       map[string]string  `json:"labels"`
	Annotations  map[string]string  `json:"annotations"`
	StartsAt     time.Time          `json:"startsAt"`
	EndsAt       time.Time          `json:"endsAt"`
	GeneratorURL string             `json:"generatorURL"`
	Fingerprint  string             `json:"fingerprint"`
	SilenceURL   string             `json:"silenceURL"`
	DashboardURL string             `json:"dashboardURL"`
	PanelURL     string             `json:"panelURL"`
	ImageURL     string             `json:"imageURL"`
	Values       map[string]float64 `json:"values"`
	ValueString  string             `json:"valueString"`
}

// Decode turns one Grafana webhook body into alerts; orgId becomes the
// grafana_org_id label. Grafana's extra
// per-alert fields become annotations (dashboard_url, panel_url,
// silence_url, image_url, value_string, values as JSON) unless the rule
// already has an annotation of that name; the link back is the panel, else
// the dashboard, else the rule (generatorURL).
func Decode(body []byte) ([]bot.Alert, error) {
	alerts, _, err := decode(body)
	return alerts, err
}

func decode(body []byte) ([]bot.Alert, int, error) {
	var p payload
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&p); err != nil {
		return nil, 0, fmt.Errorf("invalid Grafana JSON: %w", err)
	}
	if dec.More() {
		return nil, 0, errors.New("invalid Grafana JSON: trailing data after the JSON object")
	}
	if p.Alerts == nil {
		return nil, 0, errors.New("the Grafana payload has no \"alerts\" array")
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
	ann := maps.Clone(a.Annotations)
	if ann == nil {
		ann = map[string]string{}
	}
	extra := map[string]string{
		"dashboard_url": a.DashboardURL, "panel_url": a.PanelURL, "silence_url": a.SilenceURL,
		"image_url": a.ImageURL, "value_string": a.ValueString,
	}
	if len(a.Values) > 0 {
		v, err := json.Marshal(a.Values)
		if err != nil {
			return bot.Alert{}, fmt.Errorf("values: %w", err)
		}
		extra["values"] = string(v)
	}
	for k, v := range extra {
		if _, taken := ann[k]; !taken && v != "" {
			ann[k] = v
		}
	}
	labels := maps.Clone(a.Labels)
	if _, taken := labels["grafana_org_id"]; !taken && p.OrgID != 0 {
		labels["grafana_org_id"] = strconv.FormatInt(p.OrgID, 10)
	}
	out := bot.Alert{
		Source:      Source,
		Fingerprint: fp,
		GroupKey:    p.GroupKey,
		Status:      status,
		Title:       firstOf(a.Annotations["summary"], a.Labels["alertname"], p.Title, "alert "+fp),
		Labels:      labels,
		Annotations: ann,
		StartsAt:    a.StartsAt.UTC(),
		URL:         firstOf(a.PanelURL, a.DashboardURL, a.GeneratorURL, p.ExternalURL),
	}
	if status == bot.AlertResolved && !a.EndsAt.IsZero() {
		end := a.EndsAt.UTC()
		out.EndsAt = &end
	}
	return out, nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
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
