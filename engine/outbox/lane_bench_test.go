package outbox_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/engine/outbox"
)

// BenchmarkPageWithSlackHung measures how long a page waits to be
// delivered while every slot of Slack's lane is held by a hung handler:
// from the poke that announces it to its handler's call. It reports the
// p99 over b.N pages.
func BenchmarkPageWithSlackHung(b *testing.B) {
	f := newFake()
	c := cfg()
	c.Poll = time.Hour
	w := outbox.New(c, f, nil)
	release := make(chan struct{})
	w.Handle("slack.post", func(context.Context, bot.Job) error { <-release; return nil })
	paged := make(chan time.Time, 1)
	w.Handle("pagerduty.trigger", func(context.Context, bot.Job) error { paged <- time.Now(); return nil })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	f.mu.Lock()
	for i := range int64(64) {
		f.due = append(f.due, bot.Job{ID: 1000 + i, Kind: "slack.post"})
	}
	f.mu.Unlock()
	w.Poke()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		f.mu.Lock()
		f.due = append(f.due, bot.Job{ID: int64(i + 1), Kind: "pagerduty.trigger"})
		f.mu.Unlock()
		start := time.Now()
		w.Poke()
		lat = append(lat, (<-paged).Sub(start))
	}
	b.StopTimer()
	close(release)
	cancel()
	<-done
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
