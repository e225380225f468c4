package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
)

func testPersonNames(t *testing.T, s bot.Store) {
	ctx := context.Background()
	save := func(p bot.PersonName) {
		t.Helper()
		if err := s.InTx(ctx, func(tx bot.Tx) error { return tx.SavePersonName(ctx, p) }); err != nil {
			t.Fatal(err)
		}
	}
	alice := bot.PersonName{Platform: "slack", ID: "U0ALICE", Name: "Alice", Email: "alice@example.com", RefreshedAt: t0}
	save(alice)
	save(bot.PersonName{Platform: "discord", ID: "100000000000000001", Name: "bob", RefreshedAt: t0})
	alice.Name, alice.RefreshedAt = "Alice Smith", t0.Add(time.Hour) // refreshed: replaced
	save(alice)
	got, err := s.PersonNames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.PersonName{{Platform: "discord", ID: "100000000000000001", Name: "bob", RefreshedAt: t0}, alice}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}
