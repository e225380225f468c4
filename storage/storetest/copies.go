package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// testMessageCopies: a message saved with the same body as one the same
// transaction saved before, of the same incident (a card and its
// announcement), may be stored as a reference to it (schema 37). However
// either of them is written next, together or alone, edited, moved,
// claimed or saved by itself, every message reads back byte for byte as
// it was last written.
func testMessageCopies(t *testing.T, s bot.Store) {
	ctx := context.Background()
	inc := kinc(bot.SEV3, "api", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), 0, -1, -1)
	create(t, s, inc)
	other := kinc(bot.SEV3, "api", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), 0, -1, -1)
	create(t, s, other)
	card := func(status string) []byte {
		return fmt.Appendf(nil, `{"title":"SEV3 INC-1: Checkout latency above SLO","fields":[{"label":"Status","value":%q},`+
			`{"label":"Severity","value":"SEV3"}],"severity":3,"incident":1}`, status)
	}
	type msg struct {
		channel, ref string
		incident     int64
	}
	var (
		cardMsg     = msg{"inc-1", "card", inc.Number}
		announceMsg = msg{"incidents", "announce", inc.Number}
		thirdMsg    = msg{"incidents", "third", inc.Number}
		otherMsg    = msg{"incidents", "other", other.Number}
		want        = map[string][]byte{}
		tick        int
	)
	message := func(m msg, body []byte) *bot.PostedMessage {
		tick++
		now := time.Date(2026, 3, 1, 1, 0, tick, 0, time.UTC)
		return &bot.PostedMessage{Platform: "console", Channel: m.channel, Ref: m.ref, Incident: m.incident,
			Body: body, CreatedAt: now, UpdatedAt: now}
	}
	// save saves the messages in one transaction.
	save := func(ms ...*bot.PostedMessage) {
		t.Helper()
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
			for _, m := range ms {
				if err := tx.SaveMessage(ctx, m); err != nil {
					return err
				}
				want[m.Ref] = m.Body
			}
			return nil
		})
	}
	check := func(when string) {
		t.Helper()
		for ref, body := range want {
			got, err := s.MessageByRef(ctx, "console", ref)
			if err != nil {
				t.Fatalf("%s: read %s: %v", when, ref, err)
			}
			if string(got.Body) != string(body) {
				t.Fatalf("%s: %s read back as %q; want %q", when, ref, got.Body, body)
			}
		}
		for _, ch := range []string{"inc-1", "incidents", "elsewhere"} {
			list, err := s.Messages(ctx, "console", ch, 0)
			if err != nil {
				t.Fatalf("%s: messages of %s: %v", when, ch, err)
			}
			for _, m := range list {
				if string(m.Body) != string(want[m.Ref]) {
					t.Fatalf("%s: %s listed as %q; want %q", when, m.Ref, m.Body, want[m.Ref])
				}
			}
		}
	}

	save(message(cardMsg, card("triggered")), message(announceMsg, card("triggered")), message(thirdMsg, card("triggered")),
		message(otherMsg, card("triggered")))
	check("posted together")
	save(message(cardMsg, card("acknowledged")), message(announceMsg, card("acknowledged")))
	check("edited together")
	save(message(cardMsg, card("investigating")))
	check("the card edited alone")
	save(message(cardMsg, card("identified")), message(announceMsg, card("identified")))
	save(message(announceMsg, card("monitoring")))
	check("the announcement edited alone")
	save(message(cardMsg, card("monitoring")), message(announceMsg, card("monitoring")))
	save(message(msg{"elsewhere", "card", inc.Number}, card("moved")))
	check("the card moved to another channel")

	// Within one transaction: the card edited again after its copy was
	// saved; the copy rewritten after it was made.
	save(message(cardMsg, card("resolved")), message(announceMsg, card("resolved")), message(cardMsg, card("closed")))
	check("the card edited after its copy, in one transaction")
	save(message(cardMsg, card("reopened")), message(announceMsg, card("reopened")), message(announceMsg, card("rewritten")))
	save(message(cardMsg, card("edited after the rewrite")))
	check("the copy rewritten, then the card edited")

	// A claim on the card, from what was read.
	save(message(cardMsg, card("to claim")), message(announceMsg, card("to claim")))
	want["card"] = claimRead(t, s, "card", card("claimed"))
	check("the card claimed")

	// The card saved by itself, outside a transaction, where the store
	// does that.
	save(message(cardMsg, card("before alone")), message(announceMsg, card("before alone")))
	if saver, ok := s.(interface {
		SaveMessage(context.Context, *bot.PostedMessage) error
	}); ok {
		m := message(cardMsg, card("saved alone"))
		if err := saver.SaveMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		want["card"] = m.Body
	}
	check("the card saved alone")

	// A transaction that fails leaves the messages as they were.
	save(message(cardMsg, card("before a failure")), message(announceMsg, card("before a failure")))
	failed := fmt.Errorf("failed on purpose")
	err := s.InTx(ctx, func(tx bot.Tx) error {
		for _, m := range []*bot.PostedMessage{message(cardMsg, card("rolled back")), message(announceMsg, card("rolled back"))} {
			if err := tx.SaveMessage(ctx, m); err != nil {
				return err
			}
		}
		return failed
	})
	if err != failed {
		t.Fatalf("a failing transaction returned %v", err)
	}
	check("after a rolled back transaction")
}
