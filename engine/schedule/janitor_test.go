package schedule_test

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/engine/schedule"
)

// janitorStore records what the janitor asks of the store.
type janitorStore struct {
	purges []bot.PurgeBefore
	prunes []time.Time
}

func (s *janitorStore) Purge(_ context.Context, p bot.PurgeBefore) (bot.Purged, error) {
	s.purges = append(s.purges, p)
	return bot.Purged{Seen: 1}, nil
}

func (s *janitorStore) PruneBudgets(_ context.Context, before time.Time) (int, error) {
	s.prunes = append(s.prunes, before)
	return 0, nil
}

// The janitor purges on its first tick, then at most once every
// Retention.Every, with cut-offs computed from the tick's time; a zero
// retention keeps that kind forever.
func TestJanitorPurgesHourlyWithItsCutoffs(t *testing.T) {
	st := &janitorStore{}
	task := schedule.Janitor(st, schedule.Retention{Seen: 30 * 24 * time.Hour, Timers: 7 * 24 * time.Hour, Every: time.Hour}, nil)
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, d := range []time.Duration{0, 15 * time.Second, 59 * time.Minute, time.Hour, 90 * time.Minute, 2 * time.Hour} {
		if err := task(context.Background(), t0.Add(d)); err != nil {
			t.Fatal(err)
		}
	}
	if len(st.purges) != 3 {
		t.Fatalf("purged %d times over two hours of ticks, want 3 (at 0, 1h and 2h): %+v", len(st.purges), st.purges)
	}
	first := st.purges[0]
	if want := t0.Add(-30 * 24 * time.Hour); !first.Seen.Equal(want) {
		t.Errorf("seen cut-off %v, want %v", first.Seen, want)
	}
	if want := t0.Add(-7 * 24 * time.Hour); !first.Timers.Equal(want) {
		t.Errorf("timers cut-off %v, want %v", first.Timers, want)
	}
	if !first.Dead.IsZero() {
		t.Errorf("dead jobs cut-off %v, want none (a zero retention keeps them)", first.Dead)
	}
	if want := t0.Add(time.Hour - 24*time.Hour); len(st.prunes) != 3 || !st.prunes[1].Equal(want) {
		t.Errorf("budget prunes %v, want three, the second before %v", st.prunes, want)
	}
}
