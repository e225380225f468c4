package generic_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/generic"
	"github.com/warroom/warroom/storage/sqlite"
)

// TestEpisodesWithoutStartThroughService: a generic sender without a
// mapped starts_at. Its "up" resolves the alert its "down" raised; a
// repeated "down" while down is a duplicate; a "down" after the "up" is a
// second episode (reopening the incident within the reopen window, a new
// incident after it), not a duplicate of the first.
func TestEpisodesWithoutStartThroughService(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	store, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(t.TempDir(), "warroom.db")}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var mu sync.Mutex
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	svc, err := bot.NewService(bot.Config{Targets: []string{"console"}, Now: clock,
		Alerts: bot.AlertConfig{Routes: []bot.Route{{Name: "uptime", GroupBy: []string{"alertname"},
			AutoDeclare: true, AutoResolve: true, ReopenWindow: 30 * time.Minute}}}}, store, log)
	if err != nil {
		t.Fatal(err)
	}
	m := mapping
	m.StartsAt = "" // the sender's time is not mapped
	rcv, err := generic.New(generic.Config{Token: "tok", Mapping: m}, svc, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	send := func(state, want string) {
		t.Helper()
		body := strings.Replace(string(fixture(t)), `"down"`, `"`+state+`"`, 1)
		req := httptest.NewRequest("POST", "/webhooks/generic", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer tok")
		rec := httptest.NewRecorder()
		rcv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			t.Fatalf("%s: %d %s, want %s", state, rec.Code, rec.Body, want)
		}
	}
	status := func(n int64) (bot.Status, int, int) {
		t.Helper()
		inc, err := svc.Get(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		return inc.Status, inc.AlertsFiring, inc.Alerts
	}

	send("down", `"accepted":1,`)
	advance(time.Minute)
	send("down", `"duplicates":1,`)
	advance(time.Minute)
	send("up", `"accepted":1,`)
	send("up", `"duplicates":1,`)
	if st, firing, _ := status(1); st != bot.StatusResolved || firing != 0 {
		t.Fatalf("after up: %s, %d firing", st, firing)
	}
	advance(5 * time.Minute)
	send("down", `"incidents":[1]`)
	if st, firing, alerts := status(1); st != bot.StatusInvestigating || firing != 1 || alerts != 2 {
		t.Fatalf("down again: %s, %d firing of %d", st, firing, alerts)
	}
	advance(time.Minute)
	send("up", `"accepted":1,`)
	advance(time.Hour)
	send("down", `"incidents":[2]`)
	if st, firing, _ := status(2); !st.Open() || firing != 1 {
		t.Fatalf("down long after: %s, %d firing", st, firing)
	}
	alerts, err := store.Alerts(ctx, bot.AlertFilter{})
	if err != nil || len(alerts) != 3 {
		t.Fatalf("alerts: %+v (%v)", alerts, err)
	}
	for i, want := range []time.Time{
		time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 22, 10, 7, 0, 0, time.UTC),
		time.Date(2026, 11, 22, 11, 8, 0, 0, time.UTC),
	} {
		if a := alerts[i]; !a.StartsAt.Equal(want) {
			t.Errorf("alert %d starts %v, want %v (received)", i+1, a.StartsAt, want)
		}
	}
}
