package azure

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// Source is the bot.Alert source of this receiver.
const Source = "azure"

// SchemaID is the schemaId of the common alert schema.
const SchemaID = "azureMonitorCommonAlertSchema"

type payload struct {
	SchemaID string `json:"schemaId"`
	Data     *struct {
		Essentials       *essentials     `json:"essentials"`
		AlertContext     json.RawMessage `json:"alertContext"`
		CustomProperties map[string]any  `json:"customProperties"`
	} `json:"data"`
}

type essentials struct {
	AlertID             string   `json:"alertId"`
	AlertRule           string   `json:"alertRule"`
	Severity            string   `json:"severity"`
	SignalType          string   `json:"signalType"`
	MonitorCondition    string   `json:"monitorCondition"`
	MonitoringService   string   `json:"monitoringService"`
	AlertTargetIDs      []string `json:"alertTargetIDs"`
	ConfigurationItems  []string `json:"configurationItems"`
	OriginAlertID       string   `json:"originAlertId"`
	FiredDateTime       string   `json:"firedDateTime"`
	ResolvedDateTime    string   `json:"resolvedDateTime"`
	Description         string   `json:"description"`
	EssentialsVersion   string   `json:"essentialsVersion"`
	AlertContextVersion string   `json:"alertContextVersion"`
	InvestigationLink   string   `json:"investigationLink"`
}

// severities maps Azure's Sev0–Sev4 to the severity label the default route
// reads (bot.SeverityFromLabel).
var severities = map[string]string{
	"Sev0": "critical",
	"Sev1": "error",
	"Sev2": "warning",
	"Sev3": "info",
	"Sev4": "info",
}

// maxFingerprint is the longest alertId used as is; longer ones are hashed.
const maxFingerprint = 200

// Decode turns one common-alert-schema notification into its alert.
func Decode(body []byte) ([]bot.Alert, error) {
	var p payload
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("invalid Azure Monitor JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("invalid Azure Monitor JSON: trailing data after the JSON object")
	}
	if p.SchemaID != SchemaID {
		return nil, fmt.Errorf("schemaId %q is not %q: turn on \"Enable the common alert schema\" in the action group's webhook action", p.SchemaID, SchemaID)
	}
	if p.Data == nil || p.Data.Essentials == nil {
		return nil, errors.New("data.essentials is missing")
	}
	e := p.Data.Essentials
	if e.AlertID == "" {
		return nil, errors.New("data.essentials.alertId is missing")
	}
	var status bot.AlertStatus
	switch e.MonitorCondition {
	case "Fired":
		status = bot.AlertFiring
	case "Resolved":
		status = bot.AlertResolved
	default:
		return nil, fmt.Errorf("data.essentials.monitorCondition %q is neither \"Fired\" nor \"Resolved\"", e.MonitorCondition)
	}
	sev, ok := severities[e.Severity]
	if !ok {
		return nil, fmt.Errorf("data.essentials.severity %q is not one of Sev0 to Sev4", e.Severity)
	}
	fired, err := parseTime("firedDateTime", e.FiredDateTime)
	if err != nil {
		return nil, err
	}
	labels := map[string]string{}
	for k, v := range p.Data.CustomProperties {
		if s, ok := v.(string); ok && k != "" {
			labels[k] = s
		}
	}
	for k, v := range map[string]string{
		"alertname":          e.AlertRule,
		"severity":           sev,
		"azure_severity":     e.Severity,
		"signal_type":        e.SignalType,
		"monitoring_service": e.MonitoringService,
		"resource":           first(e.ConfigurationItems),
		"target":             first(e.AlertTargetIDs),
		"subscription":       subscriptionOf(first(e.AlertTargetIDs)),
	} {
		if v != "" {
			labels[k] = v
		}
	}
	ann := map[string]string{"alert_id": e.AlertID}
	if e.Description != "" {
		ann["description"] = e.Description
	}
	if e.OriginAlertID != "" {
		ann["origin_alert_id"] = e.OriginAlertID
	}
	if len(e.AlertTargetIDs) > 1 {
		ann["targets"] = strings.Join(e.AlertTargetIDs, " ")
	}
	title := e.AlertRule
	if title == "" {
		title = "Azure alert " + e.AlertID
	}
	if r := first(e.ConfigurationItems); r != "" && e.AlertRule != "" {
		title = e.AlertRule + " on " + r
	}
	a := bot.Alert{
		Source:      Source,
		Fingerprint: fingerprint(e.AlertID),
		Status:      status,
		Title:       title,
		Labels:      labels,
		Annotations: ann,
		StartsAt:    fired,
		URL:         e.InvestigationLink,
	}
	if status == bot.AlertResolved {
		end, err := parseTime("resolvedDateTime", e.ResolvedDateTime)
		if err != nil {
			return nil, err
		}
		if !end.IsZero() {
			a.EndsAt = &end
		}
	}
	return []bot.Alert{a}, nil
}

func parseTime(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("data.essentials.%s %q is not an RFC 3339 time", field, v)
	}
	return t.UTC(), nil
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// subscriptionOf returns the subscription id of an Azure resource id.
func subscriptionOf(id string) string {
	parts := strings.Split(strings.TrimPrefix(id, "/"), "/")
	if len(parts) >= 2 && strings.EqualFold(parts[0], "subscriptions") {
		return parts[1]
	}
	return ""
}

func fingerprint(alertID string) string {
	if len(alertID) <= maxFingerprint {
		return alertID
	}
	h := sha256.Sum256([]byte(alertID))
	return "sha256:" + hex.EncodeToString(h[:])
}
