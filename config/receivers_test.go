package config

import (
	"strings"
	"testing"
)

func TestReceiversConfig(t *testing.T) {
	cfg, err := Load("", env("GRAFANA_WEBHOOK_SECRET", "g-s3cret", "SNS_TOPIC_ARNS", " arn:aws:sns:us-east-1:1:a , arn:aws:sns:us-east-1:1:b"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Receivers.GrafanaSecret.Reveal() != "g-s3cret" || len(cfg.Receivers.SNSTopicARNs) != 2 || cfg.Receivers.SNSTopicARNs[1] != "arn:aws:sns:us-east-1:1:b" {
		t.Fatalf("%+v", cfg.Receivers)
	}
	if _, err := Load("", env("SNS_TOPIC_ARNS", "alarms")); err == nil || !strings.Contains(err.Error(), "SNS_TOPIC_ARNS") {
		t.Fatalf("a bad ARN: %v", err)
	}
	c := Default()
	if err := c.applyFile([]byte("generic:\n  dedup_key: $.id\n  title: $.name\n  resolved_values: [up]\n  labels:\n    env: $.env\nsns_topic_arns: [\"arn:aws:sns:us-east-1:1:a\"]\n")); err != nil {
		t.Fatal(err)
	}
	if c.Receivers.Generic.DedupKey != "$.id" || c.Receivers.Generic.Labels["env"] != "$.env" || len(c.Receivers.SNSTopicARNs) != 1 {
		t.Fatalf("%+v", c.Receivers)
	}
	c = Default()
	if err := c.applyFile([]byte("generic:\n  title: $.name\n")); err == nil || !strings.Contains(err.Error(), "dedup_key is required") {
		t.Fatalf("an incomplete mapping: %v", err)
	}
}

func TestAzureSecureWebhookConfig(t *testing.T) {
	cfg, err := Load("", env("AZURE_TENANT_ID", " 72f988bf-86f1-41af-91ab-2d7cd011db47 ", "AZURE_WEBHOOK_AUDIENCE", "api://warroom"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Receivers.AzureTenant != "72f988bf-86f1-41af-91ab-2d7cd011db47" || cfg.Receivers.AzureAudience != "api://warroom" {
		t.Errorf("azure = %q, %q", cfg.Receivers.AzureTenant, cfg.Receivers.AzureAudience)
	}
	for _, kv := range [][]string{{"AZURE_TENANT_ID", "t"}, {"AZURE_WEBHOOK_AUDIENCE", "a"}} {
		if _, err := Load("", env(kv...)); err == nil || !strings.Contains(err.Error(), "set both") {
			t.Errorf("only %s set: %v, want an error asking for both", kv[0], err)
		}
	}
}
