package azure_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/azure"
	"github.com/warroom/warroom/integrations/internal/webhooktest"
)

func TestDecodeFiredAndResolved(t *testing.T) {
	id := "/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.AlertsManagement/alerts/b9569717-bc32-442f-add5-83a997729330"
	fired := bot.Alert{
		Source: "azure", Fingerprint: id, Status: bot.AlertFiring, Title: "HighCpu-prod-vm on web-vm-1",
		Labels: map[string]string{
			"alertname": "HighCpu-prod-vm", "severity": "error", "azure_severity": "Sev1", "signal_type": "Metric",
			"monitoring_service": "Platform", "resource": "web-vm-1",
			"target":       "/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/prod-rg/providers/microsoft.compute/virtualmachines/web-vm-1",
			"subscription": "11111111-2222-3333-4444-555555555555", "service": "checkout", "env": "prod",
		},
		Annotations: map[string]string{
			"alert_id": id, "description": "CPU above 90% on the web tier",
			"origin_alert_id": "11111111-2222-3333-4444-555555555555_prod-rg_microsoft.insights_metricAlerts_HighCpu-prod-vm_-117781227",
		},
		StartsAt: time.Date(2026, 11, 22, 10, 58, 24, 371321300, time.UTC),
		URL:      "https://portal.azure.com/#view/Microsoft_Azure_Monitoring_Alerts/Investigation.ReactView/alertId/b9569717-bc32-442f-add5-83a997729330",
	}
	got, err := azure.Decode(webhooktest.Fixture(t, "azure-metric-fired.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]bot.Alert{fired}, got); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
	res, err := azure.Decode(webhooktest.Fixture(t, "azure-metric-resolved.json"))
	if err != nil {
		t.Fatal(err)
	}
	resolved := fired
	resolved.Status = bot.AlertResolved
	end := time.Date(2026, 11, 22, 11, 3, 16, 224631300, time.UTC)
	resolved.EndsAt = &end
	if diff := cmp.Diff([]bot.Alert{resolved}, res); diff != "" {
		t.Fatalf("resolved (-want +got)\n%s", diff)
	}
}

func TestSeverities(t *testing.T) {
	body := string(webhooktest.Fixture(t, "azure-metric-fired.json"))
	for sev, want := range map[string]string{"Sev0": "critical", "Sev1": "error", "Sev2": "warning", "Sev3": "info", "Sev4": "info"} {
		got, err := azure.Decode([]byte(strings.Replace(body, `"Sev1"`, `"`+sev+`"`, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if got[0].Labels["severity"] != want || got[0].Labels["azure_severity"] != sev {
			t.Errorf("%s → %v", sev, got[0].Labels)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	body := string(webhooktest.Fixture(t, "azure-metric-fired.json"))
	for _, tt := range []struct{ body, errHas string }{
		{`{"schemaId":"Microsoft.Insights/activityLogs","data":{}}`, "common alert schema"},
		{`{"schemaId":"azureMonitorCommonAlertSchema"}`, "essentials is missing"},
		{strings.Replace(body, `"alertId"`, `"alertIdX"`, 1), "alertId is missing"},
		{strings.Replace(body, `"Fired"`, `"Fyred"`, 1), `monitorCondition "Fyred"`},
		{strings.Replace(body, `"Sev1"`, `"Sev9"`, 1), `severity "Sev9"`},
		{strings.Replace(body, `"2026-11-22T10:58:24.3713213Z"`, `"yesterday"`, 1), "firedDateTime"},
		{`{`, "invalid Azure Monitor JSON"},
	} {
		if _, err := azure.Decode([]byte(tt.body)); err == nil || !strings.Contains(err.Error(), tt.errHas) {
			t.Errorf("err %v, want one mentioning %q", err, tt.errHas)
		}
	}
	long := strings.Replace(body, "b9569717-bc32-442f-add5-83a997729330\",", strings.Repeat("x", 300)+"\",", 1)
	got, err := azure.Decode([]byte(long))
	if err != nil {
		t.Fatal(err)
	}
	if len(got[0].Fingerprint) > 256 || !strings.HasPrefix(got[0].Fingerprint, "sha256:") {
		t.Fatalf("long alertId fingerprint %q", got[0].Fingerprint)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(webhooktest.Fixture(f, "azure-metric-fired.json"))
	f.Add(webhooktest.Fixture(f, "azure-metric-resolved.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		alerts, err := azure.Decode(body)
		if err != nil {
			return
		}
		for _, a := range alerts {
			if a.Fingerprint == "" || len(a.Fingerprint) > 256 || a.Title == "" {
				t.Fatalf("decoded an unusable alert: %+v", a)
			}
		}
	})
}
