package main

import (
	"strings"
	"testing"
)

// TestReceiversWired: every monitoring route is served, guarded by the
// webhook token, and counted in /metrics.
func TestReceiversWired(t *testing.T) {
	r := startApp(t, "WARROOM_WEBHOOK_TOKEN", "hook-tok",
		"SNS_TOPIC_ARNS", "arn:aws:sns:eu-west-1:123456789012:alarms")
	body := `{"version":"4","groupKey":"g","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"A","service":"db"},"startsAt":"2026-11-22T10:00:00Z","fingerprint":"f1"}]}`
	if code, out := r.do(t, "POST", "/webhooks/alertmanager", "hook-tok", strings.NewReader(body)); code != 200 || !strings.Contains(out, `"accepted":1`) {
		t.Fatalf("alertmanager: %d %s", code, out)
	}
	for _, path := range []string{"/webhooks/alertmanager", "/webhooks/grafana", "/webhooks/nagios", "/webhooks/azure", "/webhooks/generic"} {
		if code, out := r.do(t, "POST", path, "wrong", strings.NewReader(`{}`)); code != 401 {
			t.Errorf("%s with a wrong token: %d %s", path, code, out)
		}
	}
	if code, out := r.do(t, "POST", "/webhooks/sns", "", strings.NewReader(`{}`)); code != 400 || !strings.Contains(out, "Type") {
		t.Errorf("sns: %d %s", code, out)
	}
	_, metrics := r.do(t, "GET", "/metrics", "", nil)
	for _, want := range []string{
		`warroom_webhook_deliveries_total{outcome="accepted",source="alertmanager"} 1`,
		`warroom_webhook_refused_total{reason="auth",source="grafana"} 1`,
		`warroom_webhook_alerts_total{outcome="accepted",source="alertmanager"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
