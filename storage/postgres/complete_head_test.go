package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// TestCompleteHead: completing a job says whether a younger job of its
// order key waits behind it, which the outbox worker claims again for;
// a job with no order key, or the last of its key, has none behind it.
func TestCompleteHead(t *testing.T) {
	ctx := context.Background()
	s := open(t, testkit.PostgresSchema(t))
	now := time.Now()
	enqueue := func(order, coalesce string) int64 {
		t.Helper()
		j := &bot.Job{Kind: "console.post", OrderKey: order, CoalesceKey: coalesce, NextAt: now}
		if err := s.InTx(ctx, func(tx bot.Tx) error { return tx.Enqueue(ctx, j) }); err != nil || j.ID == 0 {
			t.Fatalf("enqueue: id %d, %v", j.ID, err)
		}
		return j.ID
	}
	claim := func(want ...int64) {
		t.Helper()
		jobs, err := s.Claim(ctx, "w", "console", now, time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, j := range jobs {
			got = append(got, j.ID)
		}
		if len(got) != len(want) || (len(want) > 0 && got[0] != want[0]) || (len(want) > 1 && got[1] != want[1]) {
			t.Fatalf("claimed %v, want %v", got, want)
		}
	}
	complete := func(id int64, want bool) {
		t.Helper()
		waiting, err := s.CompleteHead(ctx, id, "w")
		if err != nil {
			t.Fatal(err)
		}
		if waiting != want {
			t.Errorf("CompleteHead(%d) says a job waits behind it: %v, want %v", id, waiting, want)
		}
	}
	first := enqueue("console:INC-1", "card:1")
	second := enqueue("console:INC-1", "card:2")
	loose := enqueue("", "")
	claim(first, loose) // second waits behind first
	complete(first, true)
	complete(loose, false)
	claim(second)
	complete(second, false)
	claim()
	if _, err := s.CompleteHead(ctx, second, "w"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("completing a job twice: %v, want ErrNotFound", err)
	}
}
