package console_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/console"
)

// TestIncidentPageShowsAlerts: an incident declared by an Alertmanager
// alert with a runbook_url and a generatorURL shows, on its page and in
// the API, the alert's labels, summary, description and both links.
func TestIncidentPageShowsAlerts(t *testing.T) {
	s := newStack(t, console.Config{Token: "tok-0123456789abcdef"})
	a := bot.Alert{
		Source: "alertmanager", Fingerprint: "a8d9cde9a07bdcf4", GroupKey: `{}:{alertname="HighErrorRate"}`,
		Status: bot.AlertFiring, Title: "5xx rate above 5%",
		Labels: map[string]string{"alertname": "HighErrorRate", "env": "prod", "instance": "web-1:9100", "service": "checkout", "severity": "critical"},
		Annotations: map[string]string{"summary": "5xx rate above 5%", "description": "checkout 5xx at 7.2% for 10m",
			"runbook_url": "https://runbooks.example.com/high-error-rate"},
		StartsAt: time.Date(2026, 11, 22, 11, 10, 41, 283725975, time.UTC),
		URL:      "http://prometheus.example.com/graph?g0.expr=rate",
	}
	if _, err := s.svc.HandleAlerts(context.Background(), bot.Cause{Origin: "alertmanager"}, []bot.Alert{a}); err != nil {
		t.Fatal(err)
	}
	auth := map[string]string{"Authorization": "Bearer tok-0123456789abcdef"}
	page := s.request(t, "GET", "/incidents/INC-1", "", auth)
	if page.status != 200 {
		t.Fatalf("page status %d: %s", page.status, page.body)
	}
	for _, want := range []string{
		`href="https://runbooks.example.com/high-error-rate"`, `href="http://prometheus.example.com/graph?g0.expr=rate"`,
		"instance=web-1:9100", "env=prod", "checkout 5xx at 7.2% for 10m", `data-rule="HighErrorRate"`,
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("incident page lacks %q", want)
		}
	}
	res := s.request(t, "GET", "/api/v1/incidents/INC-1", "", auth)
	var detail struct {
		Alerts []bot.AlertView `json:"alerts"`
	}
	if err := json.Unmarshal([]byte(res.body), &detail); err != nil || len(detail.Alerts) != 1 {
		t.Fatalf("API detail %s: %v", res.body, err)
	}
	v := detail.Alerts[0]
	if v.Rule != "HighErrorRate" || v.Labels["instance"] != "web-1:9100" || v.Summary != "5xx rate above 5%" || len(v.Links) != 2 ||
		v.Links[0].Link != "https://runbooks.example.com/high-error-rate" || v.Links[1].Link != a.URL {
		t.Errorf("API alert %+v", v)
	}
}
