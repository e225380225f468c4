package digests_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
	"github.com/warroom/warroom/engine/digests"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/sqlite"
)

func openStore(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	return testkit.OpenStore(t, path, nil)
}

func berlin(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	return loc
}

// daily09 is "0 9 * * *" with CRON_TZ=Europe/Berlin, written out.
func daily09(loc *time.Location) func(time.Time) time.Time {
	return func(t time.Time) time.Time {
		l := t.In(loc)
		n := time.Date(l.Year(), l.Month(), l.Day(), 9, 0, 0, 0, loc)
		if !n.After(t) {
			n = time.Date(l.Year(), l.Month(), l.Day()+1, 9, 0, 0, 0, loc)
		}
		return n
	}
}

func newRunner(t *testing.T, s *sqlite.Store, owner string, start time.Time, loc *time.Location) *digests.Runner {
	t.Helper()
	r, err := digests.NewRunner(digests.RunnerConfig{
		Schedules: []digest.Schedule{{Name: "weekly-sre", Channel: "sre", Next: daily09(loc),
			Options: digest.Options{Period: 7 * kpi.Day, Location: loc}}},
		Targets: []string{"console"}, Owner: owner, Start: start,
		Now: func() time.Time { return start },
	}, s, digest.NewBuilder(s, nil, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// digestJobs claims every pending digest job and returns their slots' ends.
func digestJobs(t *testing.T, s bot.Store, now time.Time) []string {
	t.Helper()
	jobs, err := s.Claim(context.Background(), "test", "", now.Add(time.Hour), time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, j := range jobs {
		if j.Kind != bot.JobKindOf("console", bot.EffectDigest) {
			continue
		}
		var p bot.DigestPayload
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Channel+" "+p.Message.Footer)
		if err := s.Complete(context.Background(), j.ID, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestDigestSlotsRunExactlyOnce(t *testing.T) {
	loc := berlin(t)
	path := filepath.Join(t.TempDir(), "w.db")
	a, b := openStore(t, path), openStore(t, path) // two processes on one database
	start := time.Date(2026, 5, 4, 8, 0, 0, 0, loc)
	ra, rb := newRunner(t, a, "a", start, loc), newRunner(t, b, "b", start, loc)

	// Before the first slot: nothing.
	for _, r := range []*digests.Runner{ra, rb} {
		if err := r.Tick(context.Background(), start.Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if got := digestJobs(t, a, start); len(got) != 0 {
		t.Fatalf("jobs before the first slot: %v", got)
	}

	// Both replicas tick at once, several times, past 09:00: one digest.
	slot := time.Date(2026, 5, 4, 9, 0, 0, 0, loc)
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		r := ra
		if i%2 == 1 {
			r = rb
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.Tick(context.Background(), slot.Add(time.Duration(i)*time.Second)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := digestJobs(t, a, slot); len(got) != 1 || got[0] != "sre 2026-04-27 09:00 → 2026-05-04 09:00 Europe/Berlin" {
		t.Fatalf("digests for the 09:00 slot = %q, want exactly one", got)
	}

	// A restart (a new runner on a new handle) does not post it again.
	c := openStore(t, path)
	rc := newRunner(t, c, "c", slot.Add(time.Minute), loc)
	if err := rc.Tick(context.Background(), slot.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := digestJobs(t, a, slot); len(got) != 0 {
		t.Fatalf("a restart posted again: %v", got)
	}

	// Down for three days: on start the latest missed slot is posted once,
	// not one per missed day.
	later := time.Date(2026, 5, 7, 9, 30, 0, 0, loc)
	rd := newRunner(t, c, "d", later, loc)
	for i := 0; i < 3; i++ {
		if err := rd.Tick(context.Background(), later.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := rb.Tick(context.Background(), later); err != nil {
		t.Fatal(err)
	}
	if got := digestJobs(t, a, later); len(got) != 1 || got[0] != "sre 2026-04-30 09:00 → 2026-05-07 09:00 Europe/Berlin" {
		t.Fatalf("after downtime = %q, want the 2026-05-07 slot once", got)
	}
}

func TestDigestCommandPostsNow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	s := openStore(t, path)
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	r := newRunner(t, s, "a", now, time.UTC)
	md, err := digests.Command{Runner: r}.Digest(context.Background(), 30*kpi.Day, "general", "")
	if err != nil {
		t.Fatal(err)
	}
	// The digest is in the channel: the reply says so in one line, and
	// does not repeat it.
	if want := "Posted the digest (last 30d) to #general: 0 incidents"; !strings.HasPrefix(md, want) || strings.Contains(md, "\n") {
		t.Errorf("reply %q, want one line starting %q", md, want)
	}
	if got := digestJobs(t, s, now); len(got) != 1 || got[0][:8] != "general " {
		t.Errorf("posted %q, want one digest in general", got)
	}
	// From outside a channel it goes to the schedules' channels.
	if _, err := (digests.Command{Runner: r}).Digest(context.Background(), 7*kpi.Day, "", ""); err != nil {
		t.Fatal(err)
	}
	if got := digestJobs(t, s, now); len(got) != 1 || got[0][:4] != "sre " {
		t.Errorf("posted %q, want one digest in sre", got)
	}
}

// TestDigestGoesToItsPlatforms: a digest asked for in a channel goes to
// that channel on the platform it was asked from (and the console), not to
// a channel of that id on another platform; a schedule naming platforms is
// posted on those alone.
func TestDigestGoesToItsPlatforms(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "w.db"))
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	r, err := digests.NewRunner(digests.RunnerConfig{
		Schedules: []digest.Schedule{{Name: "d", Channel: "400000000000000001", Next: daily09(time.UTC), Platforms: []string{"discord"}}},
		Targets:   []string{"console", "slack", "discord"}, Owner: "a", Start: now, Now: func() time.Time { return now },
	}, s, digest.NewBuilder(s, nil, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	kinds := func() []string {
		jobs, err := s.LiveJobs(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, j := range jobs {
			out = append(out, string(j.Kind))
		}
		slices.Sort(out)
		return out
	}
	if _, err := (digests.Command{Runner: r}).Digest(context.Background(), 7*kpi.Day, "C0SRE", "slack"); err != nil {
		t.Fatal(err)
	}
	if got := kinds(); !slices.Equal(got, []string{"console.digest", "slack.digest"}) {
		t.Errorf("asked from Slack: jobs %v", got)
	}
	if _, err := (digests.Command{Runner: r}).Digest(context.Background(), 7*kpi.Day, "sre", "api"); err != nil {
		t.Fatal(err)
	}
	if got := kinds(); !slices.Equal(got, []string{"console.digest", "console.digest", "discord.digest", "slack.digest", "slack.digest"}) {
		t.Errorf("asked through the API for a channel: jobs %v, want it on every target", got)
	}
	if err := r.Tick(context.Background(), now.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := kinds(); !slices.Equal(got, []string{"console.digest", "console.digest", "console.digest", "discord.digest", "discord.digest", "slack.digest", "slack.digest"}) {
		t.Errorf("then scheduled for Discord: jobs %v", got)
	}
}
