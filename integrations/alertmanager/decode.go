package alertmanager

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

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
	if err := amshape.Unmarshal(body, sender, &p); err != nil {
		return nil, 0, err
	}
	if p.Version != "4" {
		return nil, 0, fmt.Errorf("unsupported Alertmanager webhook version %q: warroom reads version \"4\"", p.Version)
	}
	out, err := amshape.Convert(&p, sender, func(a amshape.Alert) (bot.Alert, error) {
		al, err := a.Base(Source, p.GroupKey)
		if err != nil {
			return bot.Alert{}, err
		}
		al.Title = amshape.FirstOf(al.Title, "alert "+al.Fingerprint)
		al.URL = amshape.FirstOf(al.URL, p.ExternalURL)
		if u := silenceURL(p.ExternalURL, al.Labels); u != "" {
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

// silenceURL is the Alertmanager UI's new-silence form pre-filled with the
// alert's labels as equality matchers, or "" without an external URL.
func silenceURL(external string, labels map[string]string) string {
	u, err := url.Parse(external)
	if external == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(labels) == 0 {
		return ""
	}
	ms := make([]string, 0, len(labels))
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		ms = append(ms, k+"="+strconv.Quote(labels[k]))
	}
	return strings.TrimRight(external, "/") + "/#/silences/new?filter=" + url.QueryEscape("{"+strings.Join(ms, ",")+"}")
}
