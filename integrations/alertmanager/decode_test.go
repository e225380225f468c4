package alertmanager_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/alertmanager"
	"github.com/warroom/warroom/integrations/internal/webhooktest"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr(t time.Time) *time.Time { return &t }

const groupKey = `{}:{alertname="HighErrorRate", service="checkout"}`

func labels(instance string) map[string]string {
	return map[string]string{"alertname": "HighErrorRate", "env": "prod", "instance": instance, "service": "checkout", "severity": "critical"}
}

// silence is the Alertmanager UI's new-silence form pre-filled with the
// labels of the fixture's alert on instance (query-escaped).
func silence(instance string) string {
	return "http://vm:19093/#/silences/new?filter=%7Balertname%3D%22HighErrorRate%22%2Cenv%3D%22prod%22%2Cinstance%3D%22" +
		instance + "%22%2Cservice%3D%22checkout%22%2Cseverity%3D%22critical%22%7D"
}

var web1 = bot.Alert{
	Source: "alertmanager", Fingerprint: "a8d9cde9a07bdcf4", GroupKey: groupKey, Status: bot.AlertFiring,
	Title: "5xx rate above 5%", Labels: labels("web-1:9100"),
	Annotations: map[string]string{
		"description": "checkout 5xx at 7.2% for 10m",
		"runbook_url": "https://runbooks.example.com/high-error-rate",
		"silence_url": silence("web-1%3A9100"),
		"summary":     "5xx rate above 5%",
	},
	StartsAt: at("2026-11-22T11:10:41.283725975Z"),
	URL:      "http://prometheus.example.com/graph?g0.expr=rate",
}

func TestDecodeFixtures(t *testing.T) {
	web2Resolved := bot.Alert{
		Source: "alertmanager", Fingerprint: "ef83281b8209fe8f", GroupKey: groupKey, Status: bot.AlertResolved,
		Title: "5xx rate above 5%", Labels: labels("web-2:9100"),
		Annotations: map[string]string{"summary": "5xx rate above 5%", "silence_url": silence("web-2%3A9100")},
		StartsAt:    at("2026-11-22T11:10:41.294376939Z"),
		EndsAt:      ptr(at("2026-11-22T11:10:51Z")),
		URL:         "http://prometheus.example.com/graph",
	}
	web2Firing := web2Resolved
	web2Firing.Status, web2Firing.EndsAt = bot.AlertFiring, nil
	web1Resolved := web1
	web1Resolved.Status = bot.AlertResolved
	tests := []struct {
		file string
		want []bot.Alert
	}{
		{"alertmanager-v4-firing.json", []bot.Alert{web1, web2Firing}},
		{"alertmanager-v4-partially-resolved.json", []bot.Alert{web1, web2Resolved}},
		{"alertmanager-v4-resolved.json", nil}, // filled below from the file
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := alertmanager.Decode(webhooktest.Fixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				if len(got) != 1 || got[0].Status != bot.AlertResolved || got[0].Fingerprint != "a8d9cde9a07bdcf4" || got[0].EndsAt == nil {
					t.Fatalf("resolved payload decoded to %+v", got)
				}
				if got[0].GroupKey != groupKey || got[0].StartsAt != web1.StartsAt {
					t.Fatalf("resolved alert lost its identity: %+v", got[0])
				}
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestDecodeEdges(t *testing.T) {
	const okAlert = `{"status":"firing","labels":{"alertname":"A"},"annotations":{},"startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f1"}`
	tests := []struct {
		name, body string
		errHas     string
		check      func(t *testing.T, a []bot.Alert)
	}{
		{"title falls back to alertname", `{"version":"4","groupKey":"g","alerts":[` + okAlert + `]}`, "", func(t *testing.T, a []bot.Alert) {
			if a[0].Title != "A" || a[0].EndsAt != nil {
				t.Fatalf("%+v", a[0])
			}
		}},
		{"firing with a future endsAt has no end", `{"version":"4","alerts":[{"status":"firing","labels":{"alertname":"A"},"startsAt":"2026-01-01T00:00:00Z","endsAt":"2026-01-01T00:04:00Z","fingerprint":"f"}]}`, "", func(t *testing.T, a []bot.Alert) {
			if a[0].EndsAt != nil {
				t.Fatalf("%+v", a[0])
			}
		}},
		{"no fingerprint: from labels, stable", `{"version":"4","alerts":[{"status":"firing","labels":{"b":"2","alertname":"A"}},{"status":"firing","labels":{"alertname":"A","b":"2"}}]}`, "", func(t *testing.T, a []bot.Alert) {
			if a[0].Fingerprint == "" || a[0].Fingerprint != a[1].Fingerprint {
				t.Fatalf("%q %q", a[0].Fingerprint, a[1].Fingerprint)
			}
		}},
		{"externalURL when no generatorURL", `{"version":"4","externalURL":"http://am","alerts":[` + okAlert + `]}`, "", func(t *testing.T, a []bot.Alert) {
			if a[0].URL != "http://am" {
				t.Fatalf("%+v", a[0])
			}
		}},
		{"empty alerts", `{"version":"4","alerts":[]}`, "", func(t *testing.T, a []bot.Alert) {
			if len(a) != 0 {
				t.Fatal(a)
			}
		}},
		{"wrong version", `{"version":"3","alerts":[]}`, `version "3"`, nil},
		{"no version", `{"alerts":[]}`, `version ""`, nil},
		{"no alerts", `{"version":"4"}`, `no "alerts"`, nil},
		{"no alerts, a label named labels", `{"version":"4","groupLabels":{"labels":"x"}}`, `no "alerts"`, nil},
		{"null alerts, a label named labels", `{"version":"4","alerts":null,"commonLabels":{"labels":"x"}}`, `no "alerts"`, nil},
		{"empty alerts, a label named labels", `{"version":"4","alerts":[],"commonLabels":{"labels":"x"}}`, "", func(t *testing.T, a []bot.Alert) {
			if a == nil || len(a) != 0 {
				t.Fatalf("%#v", a)
			}
		}},
		{"bad status", `{"version":"4","alerts":[{"status":"pending","labels":{"a":"b"}}]}`, `alerts[0]: status "pending"`, nil},
		{"no labels", `{"version":"4","alerts":[{"status":"firing"}]}`, "no labels", nil},
		{"bad time", `{"version":"4","alerts":[{"status":"firing","labels":{"a":"b"},"startsAt":"yesterday"}]}`, "invalid Alertmanager JSON", nil},
		{"not JSON", `version=4`, "invalid Alertmanager JSON", nil},
		{"trailing", `{"version":"4","alerts":[]} {}`, "trailing", nil},
		{"negative truncated", `{"version":"4","alerts":[],"truncatedAlerts":-1}`, "negative", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := alertmanager.Decode([]byte(tt.body))
			if tt.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("err %v, want one mentioning %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
		})
	}
}

func FuzzDecode(f *testing.F) {
	for _, name := range []string{"alertmanager-v4-firing.json", "alertmanager-v4-partially-resolved.json", "alertmanager-v4-resolved.json"} {
		f.Add(webhooktest.Fixture(f, name))
	}
	f.Add([]byte(`{"version":"4","alerts":[{"status":"firing","labels":{"a":"b"}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		alerts, err := alertmanager.Decode(body)
		if err != nil {
			return
		}
		for _, a := range alerts {
			if a.Fingerprint == "" || a.Title == "" || (a.Status != bot.AlertFiring && a.Status != bot.AlertResolved) {
				t.Fatalf("decoded an unusable alert: %+v", a)
			}
			if a.Status == bot.AlertFiring && a.EndsAt != nil {
				t.Fatalf("firing alert with an end: %+v", a)
			}
		}
	})
}
