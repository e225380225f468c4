package alertmanager_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/webhooktest"
)

// TestAlertContextReachesTheCard: a real Alertmanager group whose alert
// has a runbook_url and a generatorURL declares an incident named after
// the rule and the service, and its card carries the runbook, the source
// and a pre-filled silence link, and each alert's labels.
func TestAlertContextReachesTheCard(t *testing.T) {
	e := newEnv(t)
	if code, answer := e.deliver(t, http.DefaultClient, webhooktest.Fixture(t, "alertmanager-v4-firing.json")); code != 200 {
		t.Fatalf("status %d: %s", code, answer)
	}
	incs := e.incidents(t)
	if len(incs) != 1 {
		t.Fatalf("%d incidents, want 1", len(incs))
	}
	inc := incs[0]
	if inc.Title != "HighErrorRate on checkout" {
		t.Errorf("title %q, want the rule and the service, never the instance", inc.Title)
	}
	card := e.svc.CardWithAlerts(context.Background(), inc)
	links := map[string]string{}
	var alertFields []bot.Field
	for _, f := range card.Fields {
		if f.Link != "" {
			links[f.Label] = f.Link
		}
		if strings.HasPrefix(f.Label, "Alert HighErrorRate") {
			alertFields = append(alertFields, f)
		}
	}
	if links["Runbook"] != "https://runbooks.example.com/high-error-rate" {
		t.Errorf("card runbook link %q; fields %+v", links["Runbook"], card.Fields)
	}
	if links["Source alert"] != "http://prometheus.example.com/graph?g0.expr=rate" {
		t.Errorf("card source link %q", links["Source alert"])
	}
	if s := links["Silence"]; !strings.HasPrefix(s, "http://vm:19093/#/silences/new?filter=") || !strings.Contains(s, "HighErrorRate") {
		t.Errorf("card silence link %q", s)
	}
	if len(alertFields) != 2 {
		t.Fatalf("card lists %d alerts, want 2: %+v", len(alertFields), card.Fields)
	}
	for i, inst := range []string{"web-1:9100", "web-2:9100"} {
		f := alertFields[i]
		if !strings.Contains(f.Value, "instance="+inst) || !strings.Contains(f.Value, "5xx rate above 5%") || !strings.HasPrefix(f.Link, "http://prometheus.example.com/graph") {
			t.Errorf("alert field %d = %+v", i, f)
		}
	}
	alerts, err := e.svc.IncidentAlerts(context.Background(), inc.Number, 0)
	if err != nil || len(alerts) != 2 {
		t.Fatalf("alerts %v, %v", alerts, err)
	}
	v := bot.ViewAlert(alerts[0])
	if v.Rule != "HighErrorRate" || v.Description != "checkout 5xx at 7.2% for 10m" || v.Labels["env"] != "prod" || len(v.Links) != 3 {
		t.Errorf("alert view %+v", v)
	}
}

// TestResolutionAtAnotherPrecision: a resolution whose startsAt is
// rendered to the millisecond resolves the alert that fired with
// nanoseconds; it is not a new alert.
func TestResolutionAtAnotherPrecision(t *testing.T) {
	e := newEnv(t)
	firing := webhooktest.Fixture(t, "alertmanager-v4-firing.json")
	if code, answer := e.deliver(t, http.DefaultClient, firing); code != 200 {
		t.Fatalf("status %d: %s", code, answer)
	}
	resolved := webhooktest.Fixture(t, "alertmanager-v4-partially-resolved.json")
	resolved = []byte(strings.ReplaceAll(string(resolved), "11:10:41.294376939Z", "11:10:41.294Z"))
	if code, answer := e.deliver(t, http.DefaultClient, resolved); code != 200 {
		t.Fatalf("status %d: %s", code, answer)
	}
	incs := e.incidents(t)
	if len(incs) != 1 || incs[0].Alerts != 2 || incs[0].AlertsFiring != 1 {
		t.Fatalf("incidents %+v, want one with 2 alerts, 1 firing", incs)
	}
	alerts, err := e.svc.IncidentAlerts(context.Background(), incs[0].Number, 0)
	if err != nil || len(alerts) != 2 {
		t.Fatalf("alerts %+v, %v: the resolution must not be stored as a new alert", alerts, err)
	}
}
