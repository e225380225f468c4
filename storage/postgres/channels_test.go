package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// TestNewChannelsOfAKnownPlatformAddNoPlatform: a message in a new
// channel adds the channel's row, and the platform's only while none of
// its channels is known: an insert that finds the platform there still
// spends one of its ids.
func TestNewChannelsOfAKnownPlatformAddNoPlatform(t *testing.T) {
	ctx := context.Background()
	s := open(t, testkit.PostgresSchema(t))
	at := time.Date(2026, 3, 1, 0, 1, 0, 0, time.UTC)
	for _, ch := range []string{"a", "b", "c"} {
		m := &bot.PostedMessage{Platform: "console", Channel: ch, Ref: "post:" + ch, Body: []byte(`{"text":"x"}`), CreatedAt: at, UpdatedAt: at}
		if err := s.SaveMessages(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.InTx(ctx, func(tx bot.Tx) error {
		return tx.SaveMessage(ctx, &bot.PostedMessage{Platform: "console", Channel: "d", Ref: "post:d", Body: []byte(`{"text":"x"}`), CreatedAt: at, UpdatedAt: at})
	}); err != nil {
		t.Fatal(err)
	}
	var spent int64
	if err := s.DB().QueryRowContext(ctx, `SELECT last_value FROM platforms_id_seq`).Scan(&spent); err != nil {
		t.Fatal(err)
	}
	if spent != 1 {
		t.Errorf("four channels of one platform spent %d platform ids, want 1", spent)
	}
	for _, ch := range []string{"a", "b", "c", "d"} {
		if got, err := s.MessageByRef(ctx, "console", "post:"+ch); err != nil || got.Channel != ch {
			t.Errorf("post:%s reads %+v, %v", ch, got, err)
		}
	}
}
