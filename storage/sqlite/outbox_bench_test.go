package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// BenchmarkClaimDeepBacklog measures one lane's claim of 32 jobs with
// 100,000 due jobs queued: three targets, 10 jobs per order key (so most
// jobs wait behind an older one). Only the claim is timed; the claimed
// jobs are then completed.
func BenchmarkClaimDeepBacklog(b *testing.B) {
	ctx := context.Background()
	s := open(b, filepath.Join(b.TempDir(), "bench.db"))
	t0 := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	const jobs = 100_000
	targets := []string{"slack", "pagerduty", "jira"}
	err := s.InTx(ctx, func(tx bot.Tx) error {
		for i := range jobs {
			t := targets[i%len(targets)]
			j := &bot.Job{Kind: bot.JobKindOf(t, bot.EffectPost), OrderKey: fmt.Sprintf("%s:INC-%d", t, i/30),
				NextAt: t0.Add(time.Duration(i) * time.Millisecond), CreatedAt: t0}
			if err := tx.Enqueue(ctx, j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	now := t0.Add(time.Hour)
	b.ResetTimer()
	for range b.N {
		got, err := s.Claim(ctx, "bench", "slack", now, time.Minute, 32)
		if err != nil || len(got) == 0 {
			b.Fatalf("claim = %d jobs, %v", len(got), err)
		}
		b.StopTimer()
		for _, j := range got {
			if err := s.Complete(ctx, j.ID, "bench"); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
	}
}
