package main

import (
	"context"
	"github.com/warroom/warroom/internal/testkit"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/integrations/alertmanager"
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
	cfg, _ := config.Load(conf, env())
	kit := testkit.NewService(t, testkit.WithPath(db), testkit.WithConfig(bot.Config{Alerts: cfg.AlertConfig()}))
	st, svc := kit.Store, kit.Svc
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
