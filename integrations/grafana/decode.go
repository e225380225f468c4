package grafana

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/amshape"
)

// Source is the bot.Alert source of this receiver.
const Source = "grafana"

// sender names Grafana in decode errors.
const sender = "Grafana"

// payload is the body of Grafana's webhook contact point: Alertmanager's
// group with Grafana's additions.
type payload struct {
	amshape.Payload[alert]
	OrgID   int64  `json:"orgId"`
	Title   string `json:"title"`
	State   string `json:"state"`
	Message string `json:"message"`
}

// alert is Alertmanager's alert with Grafana's additions.
type alert struct {
	amshape.Alert
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
	if err := amshape.UnmarshalGroup(body, sender, &p, &p.Alerts); err != nil {
		return nil, 0, err
	}
	out, err := amshape.Convert(&p.Payload, sender, func(a alert) (bot.Alert, error) { return a.toAlert(p) })
	if err != nil {
		return nil, 0, err
	}
	return out, p.TruncatedAlerts, nil
}

func (a alert) toAlert(p payload) (bot.Alert, error) {
	out, err := a.Base(Source, p.GroupKey)
	if err != nil {
		return bot.Alert{}, err
	}
	if out.Annotations == nil {
		out.Annotations = map[string]string{}
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
		if _, taken := out.Annotations[k]; !taken && v != "" {
			out.Annotations[k] = v
		}
	}
	if _, taken := out.Labels["grafana_org_id"]; !taken && p.OrgID != 0 {
		out.Labels["grafana_org_id"] = strconv.FormatInt(p.OrgID, 10)
	}
	out.Title = amshape.FirstOf(out.Title, p.Title, "alert "+out.Fingerprint)
	out.URL = amshape.FirstOf(a.PanelURL, a.DashboardURL, out.URL, p.ExternalURL)
	return out, nil
}
