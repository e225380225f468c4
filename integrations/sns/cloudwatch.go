package sns

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// Source is the bot.Alert source of this receiver.
const Source = "sns"

// alarm is CloudWatch's alarm state-change message.
type alarm struct {
	AlarmName        string `json:"AlarmName"`
	AlarmDescription string `json:"AlarmDescription"`
	AWSAccountID     string `json:"AWSAccountId"`
	NewStateValue    string `json:"NewStateValue"`
	NewStateReason   string `json:"NewStateReason"`
	StateChangeTime  string `json:"StateChangeTime"`
	Region           string `json:"Region"`
	AlarmArn         string `json:"AlarmArn"`
	OldStateValue    string `json:"OldStateValue"`
	Trigger          *struct {
		MetricName         string          `json:"MetricName"`
		Namespace          string          `json:"Namespace"`
		Statistic          string          `json:"Statistic"`
		ComparisonOperator string          `json:"ComparisonOperator"`
		Threshold          json.Number     `json:"Threshold"`
		Period             json.Number     `json:"Period"`
		EvaluationPeriods  json.Number     `json:"EvaluationPeriods"`
		Dimensions         []dimension     `json:"Dimensions"`
		Metrics            json.RawMessage `json:"Metrics"`
	} `json:"Trigger"`
}

type dimension struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Decode reads an SNS delivery body and the CloudWatch alarm inside a
// Notification, WITHOUT checking its signature (the dry run and tests use
// it; the receiver verifies first).
func Decode(body []byte) ([]bot.Alert, error) {
	m, err := ParseMessage(body)
	if err != nil {
		return nil, err
	}
	if m.Type != TypeNotification {
		return nil, nil
	}
	return DecodeAlarm([]byte(m.Message))
}

// DecodeAlarm reads a CloudWatch alarm message: ALARM fires, OK resolves,
// INSUFFICIENT_DATA gives no alert. The alert is keyed by the alarm's ARN;
// a firing alert starts at its StateChangeTime.
//
// CloudWatch's OK message does not say when the ALARM began, so a resolved
// alert carries no start (the zero time): HandleAlerts then resolves the
// open episode of the alarm, whatever its start. An ALARM after the OK has
// a new StateChangeTime, so it is a new episode.
func DecodeAlarm(msg []byte) ([]bot.Alert, error) {
	var a alarm
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.UseNumber()
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("the SNS Message is not a CloudWatch alarm (invalid JSON: %v)", err)
	}
	if a.AlarmName == "" || a.NewStateValue == "" {
		return nil, errors.New("the SNS Message is not a CloudWatch alarm: it has no AlarmName or NewStateValue")
	}
	var status bot.AlertStatus
	switch a.NewStateValue {
	case "ALARM":
		status = bot.AlertFiring
	case "OK":
		status = bot.AlertResolved
	case "INSUFFICIENT_DATA":
		return nil, nil
	default:
		return nil, fmt.Errorf("NewStateValue %q is not ALARM, OK or INSUFFICIENT_DATA", a.NewStateValue)
	}
	changed, err := parseAWSTime(a.StateChangeTime)
	if err != nil {
		return nil, err
	}
	region := ""
	if parts := strings.Split(a.AlarmArn, ":"); len(parts) >= 4 && parts[0] == "arn" {
		region = parts[3]
	}
	labels := map[string]string{"alertname": a.AlarmName}
	for k, v := range map[string]string{"aws_account": a.AWSAccountID, "aws_region": region} {
		if v != "" {
			labels[k] = v
		}
	}
	ann := map[string]string{}
	for k, v := range map[string]string{
		"description": a.AlarmDescription, "reason": a.NewStateReason,
		"old_state": a.OldStateValue, "new_state": a.NewStateValue, "alarm_arn": a.AlarmArn,
	} {
		if v != "" {
			ann[k] = v
		}
	}
	if t := a.Trigger; t != nil {
		for k, v := range map[string]string{"namespace": t.Namespace, "metric": t.MetricName} {
			if v != "" {
				labels[k] = v
			}
		}
		for _, d := range t.Dimensions {
			if d.Name != "" && d.Value != "" {
				if _, taken := labels[d.Name]; !taken {
					labels[d.Name] = d.Value
				}
			}
		}
		if t.ComparisonOperator != "" {
			ann["condition"] = strings.TrimSpace(fmt.Sprintf("%s %s %s %s", t.Statistic, t.MetricName, t.ComparisonOperator, t.Threshold))
		}
	}
	fp := a.AlarmArn
	if fp == "" {
		fp = "alarm:" + a.AWSAccountID + ":" + a.AlarmName
	}
	if len(fp) > 250 {
		fp = fp[:250]
	}
	out := bot.Alert{
		Source:      Source,
		Fingerprint: fp,
		Status:      status,
		Title:       a.AlarmName,
		Labels:      labels,
		Annotations: ann,
	}
	if region != "" {
		out.URL = "https://console.aws.amazon.com/cloudwatch/home?region=" + url.QueryEscape(region) +
			"#alarmsV2:alarm/" + url.PathEscape(a.AlarmName)
	}
	if status == bot.AlertFiring {
		out.StartsAt = changed
	} else if !changed.IsZero() {
		out.EndsAt = &changed
	}
	return []bot.Alert{out}, nil
}

// parseAWSTime reads CloudWatch's StateChangeTime
// ("2026-11-22T10:00:00.000+0000"), or RFC 3339.
func parseAWSTime(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	if sec, err := strconv.ParseInt(v, 10, 64); err == nil && sec > 0 && sec < 1<<40 {
		return time.Unix(sec, 0).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("StateChangeTime %q is not a time", v)
}
