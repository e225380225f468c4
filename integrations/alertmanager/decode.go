package alertmanager

import (
	"fmt"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/amshape"
)

// Source is the bot.Alert source of this receiver.
const Source = "alertmanager"

// sender names Alertmanager in decode errors.
const sender = "Alertmanager"

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
	var p amshape.Payload[amshape.Alert]
	if err := amshape.UnmarshalGroup(body, sender, &p, &p.Alerts); err != nil {
		return nil, 0, err
	}
	if p.Version != "4" {
		return nil, 0, fmt.Errorf("unsupported Alertmanager webhook version %q: warroom reads version \"4\"", p.Version)
	}
	silence := bot.AlertmanagerSilenceExternal(p.ExternalURL) // checked once for the delivery
	out, err := amshape.Convert(&p, sender, func(a amshape.Alert) (bot.Alert, error) {
		al, err := a.Base(Source, p.GroupKey)
		if err != nil {
			return bot.Alert{}, err
		}
		al.Title = amshape.FirstOf(al.Title, "alert "+al.Fingerprint)
		al.URL = amshape.FirstOf(al.URL, p.ExternalURL)
		if u := bot.AlertmanagerSilenceLink(silence, al.Labels); u != "" {
			if al.Annotations == nil {
				al.Annotations = map[string]string{}
			}
			if _, taken := al.Annotations[bot.AnnotationSilence]; !taken {
				al.Annotations[bot.AnnotationSilence] = u
			}
		}
		return al, nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, p.TruncatedAlerts, nil
}
