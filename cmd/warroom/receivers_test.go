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

func TestReceiversConfig(t *testing.T) {
	cfg, err := LoadConfig("", env("GRAFANA_WEBHOOK_SECRET", "g-s3cret", "SNS_TOPIC_ARNS", " arn:aws:sns:us-east-1:1:a , arn:aws:sns:us-east-1:1:b"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Receivers.GrafanaSecret.Reveal() != "g-s3cret" || len(cfg.Receivers.SNSTopicARNs) != 2 || cfg.Receivers.SNSTopicARNs[1] != "arn:aws:sns:us-east-1:1:b" {
		t.Fatalf("%+v", cfg.Receivers)
	}
	if _, err := LoadConfig("", env("SNS_TOPIC_ARNS", "alarms")); err == nil || !strings.Contains(err.Error(), "SNS_TOPIC_ARNS") {
		t.Fatalf("a bad ARN: %v", err)
	}
	fc, err := parseFile([]byte("generic:\n  dedup_key: $.id\n  title: $.name\n  resolved_values: [up]\n  labels:\n    env: $.env\nsns_topic_arns: [\"arn:aws:sns:us-east-1:1:a\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := DefaultConfig()
	if err := c.applyFile(fc); err != nil {
		t.Fatal(err)
	}
	if c.Receivers.Generic.DedupKey != "$.id" || c.Receivers.Generic.Labels["env"] != "$.env" || len(c.Receivers.SNSTopicARNs) != 1 {
		t.Fatalf("%+v", c.Receivers)
	}
	fc, err = parseFile([]byte("generic:\n  title: $.name\n"))
	if err != nil {
		t.Fatal(err)
	}
	c = DefaultConfig()
	if err := c.applyFile(fc); err == nil || !strings.Contains(err.Error(), "dedup_key is required") {
		t.Fatalf("an incomplete mapping: %v", err)
	}
}

func TestAzureSecureWebhookConfig(t *testing.T) {
	cfg, err := LoadConfig("", env("AZURE_TENANT_ID", " 72f988bf-86f1-41af-91ab-2d7cd011db47 ", "AZURE_WEBHOOK_AUDIENCE", "api://warroom"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Receivers.AzureTenant != "72f988bf-86f1-41af-91ab-2d7cd011db47" || cfg.Receivers.AzureAudience != "api://warroom" {
		t.Errorf("azure = %q, %q", cfg.Receivers.AzureTenant, cfg.Receivers.AzureAudience)
	}
	for _, kv := range [][]string{{"AZURE_TENANT_ID", "t"}, {"AZURE_WEBHOOK_AUDIENCE", "a"}} {
		if _, err := LoadConfig("", env(kv...)); err == nil || !strings.Contains(err.Error(), "set both") {
			t.Errorf("only %s set: %v, want an error asking for both", kv[0], err)
		}
	}
}
