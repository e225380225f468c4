package bot_test

import (
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// TestReload: valid settings replace the routes and escalation at once; an
// invalid set changes nothing.
func TestReload(t *testing.T) {
	db := []bot.Route{{Name: "db", Matchers: []bot.Matcher{{Name: "team", Op: "=", Value: "db"}}, Severity: bot.SEV1, AutoDeclare: true}}
	e := testkit.NewService(t, testkit.WithConfig(bot.Config{Alerts: bot.AlertConfig{Routes: db}}))
	alert := bot.Alert{Source: "generic", Fingerprint: "f", Labels: map[string]string{"team": "db"}}
	if got := e.Svc.Route([]bot.Alert{alert})[0].Route; got != "db" {
		t.Fatalf("before reload: route %q", got)
	}

	web := []bot.Route{{Name: "web", Matchers: []bot.Matcher{{Name: "team", Op: "=~", Value: "db|web"}}, Severity: bot.SEV2}}
	if err := e.Svc.Reload(bot.Reloadable{Alerts: bot.AlertConfig{Routes: web}, Escalation: bot.EscalationConfig{Levels: []int{2, 4}}}); err != nil {
		t.Fatal(err)
	}
	if got := e.Svc.Route([]bot.Alert{alert})[0]; got.Route != "web" || got.Severity != bot.SEV2 {
		t.Errorf("after reload: %+v", got)
	}

	for name, bad := range map[string]bot.Reloadable{
		"levels":  {Alerts: bot.AlertConfig{Routes: db}, Escalation: bot.EscalationConfig{Levels: []int{3, 1}}},
		"matcher": {Alerts: bot.AlertConfig{Routes: []bot.Route{{Name: "x", Matchers: []bot.Matcher{{Name: "a", Op: "=~", Value: "("}}}}}},
		"reopen":  {Alerts: bot.AlertConfig{ReopenWindow: -1}},
	} {
		if err := e.Svc.Reload(bad); err == nil {
			t.Errorf("%s: an invalid reload was accepted", name)
		}
		if got := e.Svc.Routes(); len(got) != 1 || got[0].Name != "web" {
			t.Errorf("%s: a refused reload changed the routes to %+v", name, got)
		}
	}
}
