package generic

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// Source is the bot.Alert source of this receiver.
const Source = "generic"

// maxAlerts bounds the alerts of one delivery.
const maxAlerts = 1000

// Decoder reads alerts through a mapping.
type Decoder struct{ m Mapping }

// NewDecoder checks the mapping and builds a decoder.
func NewDecoder(m Mapping) (*Decoder, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if len(m.ResolvedValues) == 0 {
		m.ResolvedValues = DefaultResolvedValues
	}
	return &Decoder{m: m}, nil
}

// Decode reads one body's alerts.
func (d *Decoder) Decode(body []byte) ([]bot.Alert, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("invalid JSON: trailing data after the JSON value")
	}
	items := []any{doc}
	if d.m.Alerts != "" {
		v, ok := lookup(doc, d.m.Alerts)
		arr, isArr := v.([]any)
		if !ok || !isArr {
			return nil, fmt.Errorf("%s is not an array in the body (generic.alerts)", d.m.Alerts)
		}
		if len(arr) > maxAlerts {
			return nil, fmt.Errorf("%s holds %d alerts, more than %d", d.m.Alerts, len(arr), maxAlerts)
		}
		items = arr
	}
	out := make([]bot.Alert, 0, len(items))
	for i, it := range items {
		a, err := d.alert(it)
		if err != nil {
			if d.m.Alerts != "" {
				return nil, fmt.Errorf("alert %d: %w", i, err)
			}
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (d *Decoder) alert(v any) (bot.Alert, error) {
	m := d.m
	key := lookupString(v, m.DedupKey)
	if key == "" {
		return bot.Alert{}, fmt.Errorf("no dedup key at %s (generic.dedup_key)", m.DedupKey)
	}
	title := lookupString(v, m.Title)
	if title == "" {
		return bot.Alert{}, fmt.Errorf("no title at %s (generic.title)", m.Title)
	}
	status := bot.AlertFiring
	if st := strings.TrimSpace(lookupString(v, m.Status)); st != "" {
		for _, r := range m.ResolvedValues {
			if strings.EqualFold(st, r) {
				status = bot.AlertResolved
			}
		}
	}
	labels := map[string]string{"alertname": title}
	for name, p := range m.Labels {
		if s := lookupString(v, p); s != "" {
			labels[name] = s
		}
	}
	if s := lookupString(v, m.Severity); s != "" {
		labels["severity"] = s
	}
	if s := lookupString(v, m.Service); s != "" {
		labels["service"] = s
	}
	ann := map[string]string{}
	if s := lookupString(v, m.Description); s != "" {
		ann["description"] = s
	}
	starts, err := parseTime(lookupString(v, m.StartsAt))
	if err != nil {
		return bot.Alert{}, fmt.Errorf("%s (generic.starts_at): %w", m.StartsAt, err)
	}
	if len(key) > 200 {
		return bot.Alert{}, fmt.Errorf("the dedup key at %s is longer than 200 characters", m.DedupKey)
	}
	return bot.Alert{
		Source:      Source,
		Fingerprint: key,
		GroupKey:    lookupString(v, m.GroupKey),
		Status:      status,
		Title:       title,
		Labels:      labels,
		Annotations: ann,
		StartsAt:    starts,
		URL:         lookupString(v, m.URL),
	}, nil
}

// parseTime reads RFC 3339 or Unix seconds; "" is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
		if sec < 0 || sec > 1<<40 {
			return time.Time{}, fmt.Errorf("%d is out of range for Unix seconds", sec)
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339 nor Unix seconds", s)
	}
	return t.UTC(), nil
}
