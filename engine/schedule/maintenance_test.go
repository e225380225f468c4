package schedule_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/engine/schedule"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/sqlite"
)

// replica is one warroom process: a store handle on the shared database
// file, a Service and a scheduler with the maintenance task.
type replica struct {
	store *sqlite.Store
	svc   *bot.Service
	sched *schedule.Scheduler
}

func openReplica(t *testing.T, path string, now func() time.Time) *replica {
	t.Helper()
	kit := testkit.NewService(t, testkit.WithPath(path), testkit.WithConfig(bot.Config{Targets: []string{"console"}, Now: now}))
	s := schedule.New(schedule.Config{Now: now}, nil)
	s.Add("maintenance", schedule.Maintenance(kit.Svc))
	return &replica{store: kit.Store, svc: kit.Svc, sched: s}
}

// announced drains the outbox and returns the announcement titles.
func announced(t *testing.T, st bot.Store, now time.Time) []string {
	t.Helper()
	var titles []string
	for {
		jobs, err := st.Claim(context.Background(), "test", "", now.Add(time.Hour), time.Minute, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 0 {
			return titles
		}
		for _, j := range jobs {
			if j.Kind == bot.JobKindOf("console", bot.EffectAnnounce) {
				var p bot.PostPayload
				if err := json.Unmarshal(j.Payload, &p); err != nil {
					t.Fatal(err)
				}
				titles = append(titles, p.Message.Title)
			}
			if err := st.Complete(context.Background(), j.ID, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestMaintenanceAnnouncedOnceAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	t0 := time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := t0
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	set := func(d time.Duration) time.Time { mu.Lock(); defer mu.Unlock(); now = t0.Add(d); return now }

	first := openReplica(t, path, clock)
	w, err := first.svc.Maintenance().Start(ctx, bot.MaintenanceWindow{
		Matchers: []bot.Matcher{{Name: "service", Op: "=", Value: "db"}},
		StartsAt: t0.Add(2 * time.Hour), EndsAt: t0.Add(6 * time.Hour), CreatedBy: "alice",
	})
	if err != nil {
		t.Fatal(err)
	}
	title := func(what string) string { return "Maintenance window #" + strconv.FormatInt(w.ID, 10) + " " + what }
	steps := []struct {
		at      time.Duration
		restart bool
		want    []string
	}{
		{at: 0, want: []string{title("scheduled")}},
		{at: time.Hour},
		{at: 2 * time.Hour, want: []string{title("started")}},
		{at: 2 * time.Hour, restart: true},
		{at: 3 * time.Hour, restart: true},
		{at: 6 * time.Hour, want: []string{title("ended")}},
		{at: 6 * time.Hour, restart: true},
		{at: 9 * time.Hour, restart: true},
	}
	r := first
	for _, st := range steps {
		if st.restart {
			if err := r.store.Close(); err != nil {
				t.Fatal(err)
			}
			r = openReplica(t, path, clock)
		}
		at := set(st.at)
		if err := r.sched.Tick(ctx, at); err != nil {
			t.Fatalf("tick at +%v: %v", st.at, err)
		}
		got := announced(t, r.store, at)
		if strings.Join(got, "|") != strings.Join(st.want, "|") {
			t.Errorf("at +%v (restart %v): announced %q, want %q", st.at, st.restart, got, st.want)
		}
	}
}
