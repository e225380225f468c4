package schedule

import (
	"context"
	"sync"
	"time"

	"github.com/warroom/warroom/bot"
)

// overdueLookback is how far back a missed summary slot is still sent
// (a restart across the slot); an older one is skipped.
const overdueLookback = 24 * time.Hour

// OverdueSummaries returns the task that sends each owner the summary of
// their overdue action items at every slot of next (a cron schedule's
// Next) through Service.SendOverdueSummaries, which claims one slot row per
// owner so that replicas and restarts never send one twice. owner names
// this process in those rows.
func OverdueSummaries(svc *bot.Service, next func(time.Time) time.Time, owner string) Task {
	var mu sync.Mutex
	var done time.Time
	return func(ctx context.Context, now time.Time) error {
		slot := lastSlot(next, now.Add(-overdueLookback), now)
		mu.Lock()
		skip := slot.IsZero() || !slot.After(done)
		mu.Unlock()
		if skip {
			return nil
		}
		if _, err := svc.SendOverdueSummaries(ctx, slot, owner); err != nil {
			return err
		}
		mu.Lock()
		done = slot
		mu.Unlock()
		return nil
	}
}

// lastSlot is the newest slot of next after from and at or before now;
// zero for none.
func lastSlot(next func(time.Time) time.Time, from, now time.Time) time.Time {
	var last time.Time
	for t, i := next(from), 0; i < 10000 && !t.IsZero() && !t.After(now); t, i = next(t), i+1 {
		last = t
	}
	return last
}
