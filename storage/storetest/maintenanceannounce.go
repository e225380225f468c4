package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// claimWindow claims edge of window id in a transaction of its own.
func claimWindow(t *testing.T, s bot.Store, id int64, edge bot.MaintenanceEdge, at time.Time) bool {
	t.Helper()
	var claimed bool
	err := s.InTx(context.Background(), func(tx bot.Tx) error {
		var err error
		claimed, err = tx.ClaimMaintenanceAnnouncement(context.Background(), id, edge, at)
		return err
	})
	if err != nil {
		t.Fatalf("claim %s of #%d: %v", edge, id, err)
	}
	return claimed
}

func dueIDs(t *testing.T, s bot.Store, now time.Time, limit int) []int64 {
	t.Helper()
	ws, err := s.MaintenanceAnnouncementsDue(context.Background(), now, limit)
	if err != nil {
		t.Fatalf("MaintenanceAnnouncementsDue: %v", err)
	}
	ids := []int64{}
	for _, w := range ws {
		ids = append(ids, w.ID)
	}
	return ids
}

func testMaintenanceAnnounceClaims(t *testing.T, s bot.Store) {
	ctx := context.Background()
	at := func(d time.Duration) time.Time { return t0.Add(d).Truncate(time.Microsecond) }
	ms := []bot.Matcher{{Name: "service", Op: "=", Value: "db"}}
	create := func(from, to time.Duration) int64 {
		t.Helper()
		w := &bot.MaintenanceWindow{Matchers: ms, StartsAt: at(from), EndsAt: at(to), CreatedAt: at(0)}
		if err := s.InTx(ctx, func(tx bot.Tx) error { _, err := tx.CreateMaintenance(ctx, w); return err }); err != nil {
			t.Fatal(err)
		}
		return w.ID
	}
	active := create(-time.Hour, time.Hour)
	scheduled := create(time.Hour, 2*time.Hour)
	over := create(-2*time.Hour, -time.Hour)

	if got, want := dueIDs(t, s, at(0), 0), []int64{active, over}; !cmp.Equal(got, want) {
		t.Errorf("due at t0 = %v, want %v", got, want)
	}
	if !claimWindow(t, s, active, bot.MaintenanceStart, at(0)) {
		t.Error("first start claim of the active window = false")
	}
	if claimWindow(t, s, active, bot.MaintenanceStart, at(0)) {
		t.Error("second start claim of the active window = true")
	}
	if claimWindow(t, s, 999, bot.MaintenanceStart, at(0)) {
		t.Error("claim of an unknown window = true")
	}
	// A claim rolled back is no claim.
	boom := errors.New("boom")
	err := s.InTx(ctx, func(tx bot.Tx) error {
		if ok, err := tx.ClaimMaintenanceAnnouncement(ctx, over, bot.MaintenanceEnd, at(0)); err != nil || !ok {
			t.Errorf("claim in the rolled back transaction = %v, %v", ok, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v", err)
	}
	err = s.InTx(ctx, func(tx bot.Tx) error {
		_, err := tx.ClaimMaintenanceAnnouncement(ctx, over, "middle", at(0))
		return err
	})
	if err == nil {
		t.Error("claim of an unknown edge succeeded")
	}
	if !claimWindow(t, s, over, bot.MaintenanceStart, at(0)) || !claimWindow(t, s, over, bot.MaintenanceEnd, at(0)) {
		t.Error("claims of the window that is over = false")
	}
	if got := dueIDs(t, s, at(0), 0); len(got) != 0 {
		t.Errorf("due at t0 after the claims = %v, want none", got)
	}
	if got, want := dueIDs(t, s, at(time.Hour), 0), []int64{active, scheduled}; !cmp.Equal(got, want) {
		t.Errorf("due at t0+1h = %v, want %v", got, want)
	}
	if got, want := dueIDs(t, s, at(time.Hour), 1), []int64{active}; !cmp.Equal(got, want) {
		t.Errorf("due at t0+1h, limit 1 = %v, want %v", got, want)
	}
	ws, err := s.MaintenanceAnnouncementsDue(ctx, at(time.Hour), 1)
	if err != nil || len(ws) != 1 || !ws[0].StartsAt.Equal(at(-time.Hour)) || !ws[0].EndsAt.Equal(at(time.Hour)) || len(ws[0].Matchers) != 1 {
		t.Errorf("due window = %+v, %v", ws, err)
	}
}

// announcements drains the outbox and returns the titles of the
// maintenance announcements in it, in order.
func announcements(t *testing.T, s bot.Store) []string {
	t.Helper()
	ctx := context.Background()
	far := t0.Add(1000 * time.Hour)
	titles := []string{}
	for {
		jobs, err := s.Claim(ctx, "test", "", far, time.Minute, 100)
		if err != nil {
			t.Fatalf("Claim: %v", err)
		}
		if len(jobs) == 0 {
			return titles
		}
		for _, j := range jobs {
			if j.Kind.Effect() == bot.EffectAnnounce {
				var p bot.PostPayload
				if err := json.Unmarshal(j.Payload, &p); err != nil {
					t.Fatalf("decode job %d: %v", j.ID, err)
				}
				title := p.Message.Title
				if strings.HasSuffix(p.Message.Text, " by bob") {
					title += " by bob"
				}
				titles = append(titles, title)
			}
			if err := s.Complete(ctx, j.ID, "test"); err != nil {
				t.Fatalf("Complete: %v", err)
			}
		}
	}
}

func testMaintenanceAnnounced(t *testing.T, s bot.Store) {
	ctx := context.Background()
	at := func(d time.Duration) time.Time { return t0.Add(d).Truncate(time.Microsecond) }
	clock := testkit.NewClock(at(0))
	svc := newService(t, s, clock.Now)
	m := svc.Maintenance()
	ms := []bot.Matcher{{Name: "service", Op: "=", Value: "db"}}
	start := func(from, to time.Duration) int64 {
		t.Helper()
		w, err := m.Start(ctx, bot.MaintenanceWindow{Matchers: ms, StartsAt: at(from), EndsAt: at(to), CreatedBy: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		return w.ID
	}
	check := func(what string, want ...string) {
		t.Helper()
		if want == nil {
			want = []string{}
		}
		if diff := cmp.Diff(want, announcements(t, s)); diff != "" {
			t.Errorf("%s: announcements (-want +got):\n%s", what, diff)
		}
	}
	tick := func(d time.Duration, svc *bot.Service, want int) {
		t.Helper()
		now := clock.Set(at(d))
		n, err := svc.Maintenance().AnnounceDue(ctx, now, 10)
		if err != nil || n != want {
			t.Errorf("AnnounceDue at t0%+v = %d, %v; want %d", d, n, err, want)
		}
	}

	scheduled := start(time.Hour, 3*time.Hour)
	runsOut := start(0, 30*time.Minute)
	byHand := start(0, 2*time.Hour)
	title := func(id int64, what string) string { return fmt.Sprintf("Maintenance window #%d %s", id, what) }
	check("at creation", title(scheduled, "scheduled"), title(runsOut, "started"), title(byHand, "started"))
	tick(0, svc, 0)
	tick(10*time.Minute, svc, 0)
	check("before any moment")

	clock.Set(at(10 * time.Minute))
	if _, err := m.End(ctx, byHand, "bob"); err != nil {
		t.Fatal(err)
	}
	check("ended by hand", title(byHand, "ended by bob"))
	tick(10*time.Minute, svc, 0)

	tick(30*time.Minute, svc, 1)
	tick(30*time.Minute, svc, 0)
	check("run out", title(runsOut, "ended"))

	tick(time.Hour-time.Microsecond, svc, 0)
	tick(time.Hour, svc, 1)
	tick(time.Hour, svc, 0)
	check("scheduled start", title(scheduled, "started"))

	tick(2*time.Hour, svc, 0) // the original end of the window ended by hand
	check("original end of the window ended by hand")

	tick(3*time.Hour-time.Microsecond, svc, 0)
	tick(3*time.Hour, svc, 1)
	check("scheduled end", title(scheduled, "ended"))

	// A restart: a new Service remembers nothing, the database does.
	again := newService(t, s, clock.Now)
	tick(4*time.Hour, again, 0)
	check("after a restart")

	// A configured window that is over already is kept quietly.
	cfg := []bot.MaintenanceWindow{{Name: "last-night", Matchers: ms, StartsAt: at(-time.Hour), EndsAt: at(2 * time.Hour)}}
	if err := again.StartConfigured(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	tick(4*time.Hour, again, 0)
	check("configured window that is over")

	// A scheduled window ended before it started is announced as ended once.
	early := start(5*time.Hour, 6*time.Hour)
	check("scheduled again", title(early, "scheduled"))
	if _, err := again.Maintenance().End(ctx, early, "bob"); err != nil {
		t.Fatal(err)
	}
	check("ended before it started", title(early, "ended by bob"))
	tick(5*time.Hour, again, 0)
	tick(6*time.Hour, again, 0)
	check("after the original span of the window ended early")
}

func testMaintenanceAnnouncedOncePerReplica(t *testing.T, s bot.Store) {
	ctx := context.Background()
	at := func(d time.Duration) time.Time { return t0.Add(d).Truncate(time.Microsecond) }
	clock := testkit.NewClock(at(0))
	replicas := []*bot.Service{newService(t, s, clock.Now), newService(t, s, clock.Now)}
	ms := []bot.Matcher{{Name: "service", Op: "=", Value: "db"}}
	const windows = 5
	var ids []int64
	for range windows {
		w, err := replicas[0].Maintenance().Start(ctx, bot.MaintenanceWindow{Matchers: ms, StartsAt: at(time.Hour), EndsAt: at(2 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, w.ID)
	}
	if got := len(announcements(t, s)); got != windows {
		t.Fatalf("%d announcements at creation, want %d", got, windows)
	}
	tickAll := func(now time.Time) int {
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for i := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := replicas[i%2].Maintenance().AnnounceDue(ctx, now, 10)
				if err != nil {
					t.Errorf("AnnounceDue: %v", err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		return total
	}
	for _, tc := range []struct {
		at   time.Duration
		want string
	}{{time.Hour, "started"}, {2 * time.Hour, "ended"}} {
		if n := tickAll(clock.Set(at(tc.at))); n != windows {
			t.Errorf("at t0%+v: %d announcements, want %d", tc.at, n, windows)
		}
		titles := announcements(t, s)
		seen := map[string]int{}
		for _, title := range titles {
			seen[title]++
		}
		for _, id := range ids {
			title := fmt.Sprintf("Maintenance window #%d %s", id, tc.want)
			if seen[title] != 1 {
				t.Errorf("at t0%+v: %q announced %d times, want once (all: %v)", tc.at, title, seen[title], titles)
			}
		}
		if len(titles) != windows {
			t.Errorf("at t0%+v: announcements %v, want %d", tc.at, titles, windows)
		}
	}
}
