package discord

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/warroom/warroom/bot"
)

// storeTimeout bounds one budget read or write in the store.
const storeTimeout = 2 * time.Second

// Bucket names in the shared budgets (bot.Budgets).
const (
	bucketGlobal = "discord:global"
	bucketRoute  = "discord:route:"
	bucketPace   = "discord:pace:"
)

// sharedBudget keeps route pauses, the global limit and message pacing in
// the store, so that every replica honours what Discord told any of them.
// The count of refusals (Discord's ban threshold) stays per process: it is
// a safety margin far inside the threshold, not a shared limit.
type sharedBudget struct {
	mem   *memBudget
	store bot.Budgets
	every time.Duration
	log   *slog.Logger
}

// SharedBudget returns a Budget kept in store (the database), spacing
// writes to one message by every (0: no spacing). When the store cannot
// be read, calls wait briefly rather than risk Discord's limits.
func SharedBudget(store bot.Budgets, every time.Duration, log *slog.Logger) Budget {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &sharedBudget{mem: NewBudget(0).(*memBudget), store: store, every: every, log: log}
}

func (b *sharedBudget) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), storeTimeout)
}

func (b *sharedBudget) Wait(route string, now time.Time) time.Duration {
	wait := b.mem.Wait(route, now)
	ctx, cancel := b.ctx()
	defer cancel()
	for _, bucket := range []string{bucketGlobal, bucketRoute + route} {
		d, err := b.store.BucketPause(ctx, bucket, now)
		if err != nil {
			b.log.Warn("read discord rate limit", "bucket", bucket, "err", err)
			return max(wait, time.Second)
		}
		wait = max(wait, d)
	}
	return wait
}

func (b *sharedBudget) Pace(key string, now time.Time) time.Duration {
	if b.every <= 0 || key == "" {
		return 0
	}
	ctx, cancel := b.ctx()
	defer cancel()
	d, err := b.store.TakeSlot(ctx, bucketPace+key, now, b.every, 1)
	if err != nil {
		b.log.Warn("take discord pacing slot", "key", key, "err", err)
		return b.every
	}
	return d
}

func (b *sharedBudget) Observe(route string, status int, h http.Header, now time.Time) {
	b.mem.Observe(route, status, h, now)
	after, global, ok := pauseOf(status, h)
	if !ok {
		return
	}
	bucket := bucketRoute + route
	if global {
		bucket = bucketGlobal
	}
	ctx, cancel := b.ctx()
	defer cancel()
	if err := b.store.PauseBucket(ctx, bucket, now.Add(after)); err != nil {
		b.log.Warn("record discord rate limit", "bucket", bucket, "err", err)
	}
}
