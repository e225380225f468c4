package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/internal/testkit"
)

const reloadBefore = `
routes:
  - name: database
    match: ["team=db"]
    severity: sev1
`

const reloadGood = `
routes:
  - name: web
    match: ["team=~web|db"]
    severity: sev2
  - name: database
    match: ["team=db"]
    severity: sev1
maintenance:
  - name: net-upgrade
    match: ["team=net"]
    start: 2030-01-01T22:00:00Z
    duration: 2h
digests:
  - name: weekly-sre
    channel: sre-leads
    schedule: "CRON_TZ=UTC 0 9 * * MON"
escalation:
  enabled: true
  levels: [2, 4]
`

// reloadBad has a misspelt key in the second route.
const reloadBad = `
routes:
  - name: queue
    match: ["team=queue"]
  - name: web
    matchh: ["team=web"]
`

// TestReloadOnSIGHUP: SIGHUP sent to this process reloads routes,
// maintenance windows, digests and escalation from a good file; a bad file
// keeps the running configuration and logs one line naming the key.
func TestReloadOnSIGHUP(t *testing.T) {
	file := writeFile(t, "warroom.yaml", reloadBefore)
	r := startApp(t, "WARROOM_CONFIG", file)
	if got := routeNames(r.app); !slices.Equal(got, []string{"database"}) {
		t.Fatalf("routes at start: %v", got)
	}

	var logs testkit.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	t.Cleanup(func() { signal.Stop(hup) })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	results := make(chan error, 1)
	lookup := env("WARROOM_CONFIG", file, "WARROOM_DB", r.app.cfg.DB.Reveal())
	go r.app.reloadOnSignal(ctx, hup, func() (config.Config, error) { return config.Load("", lookup) }, log,
		func(err error) { results <- err })
	hangUp := func() error {
		t.Helper()
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-results:
			return err
		case <-time.After(testkit.Deadline):
			t.Fatal("no reload after SIGHUP")
			return nil
		}
	}

	if err := os.WriteFile(file, []byte(reloadGood), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := hangUp(); err != nil {
		t.Fatalf("good file: %v", err)
	}
	if got := routeNames(r.app); !slices.Equal(got, []string{"web", "database"}) {
		t.Errorf("routes after reload: %v", got)
	}
	ws, err := r.app.svc.Maintenance().List(context.Background(), time.Now())
	if err != nil || len(ws) != 1 || ws[0].Name != "net-upgrade" {
		t.Errorf("maintenance windows after reload: %+v %v", ws, err)
	}
	if got := r.app.digests.Channels(); !slices.Equal(got, []string{"sre-leads"}) {
		t.Errorf("digest channels after reload: %v", got)
	}
	if !strings.Contains(logs.String(), "configuration reloaded") {
		t.Errorf("no log line for the reload:\n%s", logs.String())
	}

	if err := os.WriteFile(file, []byte(reloadBad), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := hangUp(); err == nil {
		t.Fatal("bad file: reloaded")
	}
	if got := routeNames(r.app); !slices.Equal(got, []string{"web", "database"}) {
		t.Errorf("routes after a refused reload: %v", got)
	}
	if got := r.app.digests.Channels(); !slices.Equal(got, []string{"sre-leads"}) {
		t.Errorf("digest channels after a refused reload: %v", got)
	}
	var refused []string
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if strings.Contains(line, "not reloaded") {
			refused = append(refused, line)
		}
	}
	if len(refused) != 1 || !strings.Contains(refused[0], "matchh") || !strings.Contains(refused[0], "level=ERROR") {
		t.Errorf("want one ERROR line naming the key, got %q", refused)
	}
}

// TestReloadRefusedByService: settings that load but that the service
// refuses (decreasing escalation levels) are an error naming the part.
func TestReloadRefusedByService(t *testing.T) {
	r := startApp(t)
	cfg := r.app.cfg
	cfg.Escalation.Enabled = true
	cfg.Escalation.Levels = []int{3, 1}
	if err := r.app.Reload(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "escalation") {
		t.Errorf("decreasing escalation levels: %v", err)
	}
}

func routeNames(a *App) []string {
	var out []string
	for _, r := range a.svc.Routes() {
		out = append(out, r.Name)
	}
	return out
}
