package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkSlackCallBudgets measures what the shared budgets cost one
// Slack write on a database file: one read of the hold and the pause, and
// one statement that takes the channel's slot.
func BenchmarkSlackCallBudgets(b *testing.B) {
	ctx := context.Background()
	s := open(b, filepath.Join(b.TempDir(), "bench.db"))
	now := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		at := now.Add(time.Duration(i) * time.Second)
		c, err := s.CheckCall(ctx, "slack", "slack:chat.postMessage:C1", at)
		if err != nil || c.Held || c.Paused > 0 {
			b.Fatalf("check: %+v, %v", c, err)
		}
		if d, err := s.TakeSlot(ctx, "slack:chan:C1", at, time.Second, 1); err != nil || d != 0 {
			b.Fatalf("take: %s, %v", d, err)
		}
	}
}
