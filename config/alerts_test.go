package config

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

const routesYAML = `
routes:
  - name: checkout
    match: ["service=checkout", "severity=~critical|error"]
    group_by: [alertname]
    severity: sev1
    auto_resolve: true
    reopen_window: 30m
  - name: quiet
    match: ["severity=info"]
    auto_declare: false
alerts:
  reopen_window: 1h
maintenance:
  - name: db-upgrade
    match: ["service=db"]
    start: 2026-12-01T22:00:00Z
    duration: 4h
    comment: PostgreSQL upgrade
`

func TestRoutesConfig(t *testing.T) {
	cfg, err := Load(writeFile(t, "w.yaml", routesYAML), env())
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Routes) != 2 || cfg.Routes[0].Name != "checkout" || cfg.Routes[0].Severity != bot.SEV1 ||
		!cfg.Routes[0].AutoDeclare || !cfg.Routes[0].AutoResolve || cfg.Routes[0].ReopenWindow != 30*time.Minute ||
		cfg.Routes[1].AutoDeclare || len(cfg.Routes[0].Matchers) != 2 {
		t.Errorf("routes = %+v", cfg.Routes)
	}
	if cfg.Alerts.ReopenWindow != time.Hour {
		t.Errorf("alerts.reopen_window = %s", cfg.Alerts.ReopenWindow)
	}
	if len(cfg.Maintenance) != 1 || cfg.Maintenance[0].Name != "db-upgrade" ||
		!cfg.Maintenance[0].EndsAt.Equal(time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC)) {
		t.Errorf("maintenance = %+v", cfg.Maintenance)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"routes:\n  - match: [\"a=~(\"]\n", "routes[0].match[0]"},
		{"routes:\n  - severity: sev9\n", "routes[0].severity"},
		{"routes:\n  - auto_declare: maybe\n", "routes[0].auto_declare"},
		{"routes:\n  - group_by: [\"bad-label\"]\n", "group_by"},
		{"routes:\n  - colour: red\n", "routes[0].colour: unknown key"},
		{"maintenance:\n  - match: [\"a=b\"]\n    start: 2026-12-01T22:00:00Z\n    duration: 1h\n", "maintenance[0].name"},
		{"maintenance:\n  - name: x\n    match: [\"a=b\"]\n    start: tomorrow\n    duration: 1h\n", "maintenance[0].start"},
		{"maintenance:\n  - name: x\n    match: [\"a=b\"]\n    start: 2026-12-01T22:00:00Z\n", "set end or duration"},
	} {
		_, err := Load(writeFile(t, "bad.yaml", tc.yaml), env())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to name %s", tc.yaml, err, tc.want)
		}
	}
}

// TestAlertConfigAndWindows: the routes and windows as the Service takes
// them.
func TestAlertConfigAndWindows(t *testing.T) {
	cfg, err := Load(writeFile(t, "w.yaml", routesYAML+"  - name: net\n    match: [\"team=net\"]\n    start: 2026-12-05T01:00:00+02:00\n    end: 2026-12-05T03:00:00Z\n"), env())
	if err != nil {
		t.Fatal(err)
	}
	ac := cfg.AlertConfig()
	if len(ac.Routes) != 2 || ac.Routes[0].Name != "checkout" || ac.Routes[0].Severity != bot.SEV1 || !ac.Routes[0].AutoResolve ||
		len(ac.Routes[0].Matchers) != 2 || ac.Routes[1].AutoDeclare || ac.ReopenWindow != time.Hour || ac.MaxQueued != bot.DefaultMaxQueued {
		t.Errorf("alert config = %+v", ac)
	}
	ws := cfg.Maintenance.Windows()
	if len(ws) != 2 || ws[0].Name != "db-upgrade" || ws[0].CreatedBy != "config" || ws[0].Comment != "PostgreSQL upgrade" ||
		!ws[0].EndsAt.Equal(time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC)) ||
		!ws[1].StartsAt.Equal(time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC)) || !ws[1].EndsAt.Equal(time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)) {
		t.Errorf("windows = %+v", ws)
	}
}
