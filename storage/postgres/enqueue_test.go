package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// TestEnqueueFailsOnATakenID: an enqueue whose new id is taken (the id
// sequence set back, as a restore done by hand can leave it) fails,
// rather than adding nothing as a job coalesced into a pending twin
// would, which would lose the job without a word. A twin still coalesces.
func TestEnqueueFailsOnATakenID(t *testing.T) {
	ctx := context.Background()
	s := open(t, testkit.PostgresSchema(t))
	now := time.Now()
	enqueue := func(key string) (*bot.Job, error) {
		j := &bot.Job{Kind: "slack.post", OrderKey: "INC-1", CoalesceKey: key, NextAt: now}
		return j, s.InTx(ctx, func(tx bot.Tx) error { return tx.Enqueue(ctx, j) })
	}
	first, err := enqueue("card:INC-1")
	if err != nil || first.ID == 0 {
		t.Fatalf("first enqueue: id %d, %v", first.ID, err)
	}
	if twin, err := enqueue("card:INC-1"); err != nil || twin.ID != 0 {
		t.Fatalf("a pending twin's enqueue: id %d, %v; want it coalesced (id 0, no error)", twin.ID, err)
	}
	if _, err := s.DB().ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('outbox', 'id'), $1, false)`, first.ID); err != nil {
		t.Fatal(err)
	}
	if j, err := enqueue("post:INC-1:1"); err == nil {
		t.Fatalf("an enqueue onto the taken id %d succeeded with id %d: the job was dropped as if coalesced", first.ID, j.ID)
	}
}
