package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/alertmanager"
	"github.com/warroom/warroom/storage/sqlite"
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
	cfg, err := LoadConfig(writeFile(t, "w.yaml", routesYAML), env())
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Routes) != 2 || cfg.Routes[0].Name != "checkout" || cfg.Routes[0].Severity != bot.SEV1 ||
		!cfg.Routes[0].AutoDeclare || !cfg.Routes[0].AutoResolve || cfg.Routes[0].ReopenWindow != 30*time.Minute ||
		cfg.Routes[1].AutoDeclare || len(cfg.Routes[0].Matchers) != 2 {
		t.Errorf("routes = %+v", cfg.Routes)
	}
	if cfg.AlertReopenWindow != time.Hour {
		t.Errorf("alerts.reopen_window = %s", cfg.AlertReopenWindow)
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
		_, err := LoadConfig(writeFile(t, "bad.yaml", tc.yaml), env())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to name %s", tc.yaml, err, tc.want)
		}
	}
}

func TestRouteDryRun(t *testing.T) {
	conf := writeFile(t, "w.yaml", routesYAML)
	payload := filepath.Join("..", "..", "integrations", "alertmanager", "testdata", "alertmanager-v4-firing.json")
	db := filepath.Join(t.TempDir(), "w.db")
	lookup := env("WARROOM_CONFIG", conf, "WARROOM_DB", db)

	code, out, errOut := runCLI(t, lookup, "route", "--dry-run", payload, "--source", "alertmanager")
	if code != 0 || !strings.Contains(out, "no database at") || !strings.Contains(out, "checkout") {
		t.Fatalf("without a database = %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("the dry run created the database")
	}

	// With a database holding the group's open incident: attach.
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Config{Path: db}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := LoadConfig(conf, env())
	svc, err := bot.NewService(bot.Config{Alerts: bot.AlertConfig{Routes: cfg.Routes}}, st, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := os.ReadFile(payload)
	alerts, err := alertmanager.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	first := alerts[:1]
	if _, err := svc.HandleAlerts(ctx, bot.Cause{}, first); err != nil {
		t.Fatal(err)
	}
	st.Close()
	code, out, errOut = runCLI(t, lookup, "route", "--dry-run", payload)
	if code != 0 || !strings.Contains(out, "already received") || !strings.Contains(out, "attaches to INC-1") {
		t.Fatalf("with a database = %d\n%s\n%s", code, out, errOut)
	}

	for _, args := range [][]string{{"route", payload}, {"route", "--dry-run"}, {"route", "--dry-run", payload, "--source", "carrier-pigeon"}} {
		if code, _, _ := runCLI(t, lookup, args...); code != exitUsage {
			t.Errorf("%v = %d, want usage", args, code)
		}
	}
}
