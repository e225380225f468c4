package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/warroom/warroom/bot"
)

func testMarkSeen(t *testing.T, s bot.Store) {
	mark := func(source, key string) bool {
		var first bool
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
			var err error
			first, err = tx.MarkSeen(ctx, source, key, t0)
			return err
		})
		return first
	}
	if !mark("slack.event", "Ev1") {
		t.Fatal("first delivery reported as seen")
	}
	if mark("slack.event", "Ev1") {
		t.Error("redelivery reported as new")
	}
	if !mark("pagerduty.webhook", "Ev1") {
		t.Error("the same key from another source must be new")
	}
	errRollback := errors.New("roll back")
	// A rolled-back transaction forgets the key, so a failed delivery that
	// is retried is handled again.
	err := s.InTx(context.Background(), func(tx bot.Tx) error {
		if _, err := tx.MarkSeen(context.Background(), "slack.event", "Ev2", t0); err != nil {
			return err
		}
		return errRollback
	})
	if err != errRollback {
		t.Fatalf("InTx = %v", err)
	}
	if !mark("slack.event", "Ev2") {
		t.Error("a key marked in a rolled-back transaction must still be new")
	}
}
