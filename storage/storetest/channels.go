package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// From schema 30 on, a posted message names its channel by the id of a
// row where each channel's name is stored once, and a message never
// edited stores no updated_at (it reads as its created_at).

// OldMessage is a message as a database written before schema 30 holds
// it, which the dialects' tests write with OldMessagesRead: Ref, Channel,
// Body (text), created_at 1_000_000 and updated_at 2_000_000 µs for an
// edited one, else created_at both.
type OldMessage struct {
	Ref, Channel, Body string
	Edited             bool
}

// OldMessages are the messages OldMessagesRead expects: two channels,
// one message in both.
var OldMessages = []OldMessage{
	{Ref: "card:INC-1", Channel: "inc-1-checkout", Body: `{"text":"card"}`, Edited: true},
	{Ref: "announce:INC-1", Channel: "incidents", Body: `{"text":"card"}`, Edited: true},
	{Ref: "job:7", Channel: "inc-1-checkout", Body: `{"text":"update"}`},
	{Ref: "job:7:announce", Channel: "incidents", Body: `{"text":"update"}`},
}

// OldMessageInserts are the statements that write OldMessages on the
// platform "console", and link the channel "inc-1-checkout" there to
// incident, in the schema before 30, with the dialect's placeholders
// (ph(1) is the first).
func OldMessageInserts(incident int64, ph func(n int) string) []Stmt {
	var stmts []Stmt
	for _, m := range OldMessages {
		updated := 1_000_000
		if m.Edited {
			updated = 2_000_000
		}
		stmts = append(stmts, Q(`INSERT INTO messages (platform, channel, ref, external_id, incident, body, created_at, updated_at)
			VALUES ('console', `+ph(1)+`, `+ph(2)+`, '', NULL, `+ph(3)+`, 1000000, `+ph(4)+`)`, m.Channel, m.Ref, []byte(m.Body), updated))
	}
	return append(stmts, Q(`INSERT INTO incident_channels (platform, channel, incident) VALUES ('console', 'inc-1-checkout', `+ph(1)+`)`, incident))
}

// OldMessagesRead checks messages and channel links written before schema
// 30: write stores OldMessages on the platform "console", and links the
// channel "inc-1-checkout" there to incident, in a database taken back to
// the schema before, which open then migrates. They read back as written,
// a channel lists its own, and new messages, edits, claims and links join
// them.
func OldMessagesRead(t *testing.T, open func() bot.Store, write func(incident int64)) {
	t.Helper()
	ctx := context.Background()
	inc := incidentBefore(t, open)
	write(inc.Number)
	s := open()
	if got, err := s.IncidentByChannel(ctx, "console", "inc-1-checkout"); err != nil || got.Number != inc.Number {
		t.Fatalf("old channel link reads back as %+v, %v", got, err)
	}
	other := kinc(bot.SEV3, "api", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), 0, -1, -1)
	create(t, s, other)
	err := s.InTx(ctx, func(tx bot.Tx) error { return tx.LinkChannel(ctx, other.Number, "console", "inc-1-checkout") })
	if bot.ErrorCode(err) != bot.CodeConflict {
		t.Errorf("linking an old incident's channel to another: %v, want a conflict", err)
	}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		return tx.LinkChannel(ctx, inc.Number, "console", "inc-1-db")
	})
	if _, err := s.IncidentByChannel(ctx, "console", "inc-1-checkout"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("old channel after the relink: %v, want not found", err)
	}
	if got, err := s.IncidentByChannel(ctx, "console", "inc-1-db"); err != nil || got.Number != inc.Number {
		t.Errorf("new channel after the relink: %+v, %v", got, err)
	}
	created, updated := time.UnixMicro(1_000_000).UTC(), time.UnixMicro(2_000_000).UTC()
	for _, o := range OldMessages {
		m, err := s.MessageByRef(ctx, "console", o.Ref)
		if err != nil {
			t.Fatalf("old message %s: %v", o.Ref, err)
		}
		want := created
		if o.Edited {
			want = updated
		}
		if m.Channel != o.Channel || string(m.Body) != o.Body || !m.CreatedAt.Equal(created) || !m.UpdatedAt.Equal(want) {
			t.Errorf("old message %s read back as %+v", o.Ref, m)
		}
	}
	// A new message in an old channel, and one in a new channel.
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, m := range []bot.PostedMessage{
		{Platform: "console", Channel: "incidents", Ref: "announce:INC-2", Body: []byte(`{"text":"new"}`), CreatedAt: at, UpdatedAt: at},
		{Platform: "console", Channel: "inc-2-db", Ref: "card:INC-2", Body: []byte(`{"text":"new"}`), CreatedAt: at, UpdatedAt: at},
	} {
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SaveMessage(ctx, &m) })
	}
	refs := func(channel string) []string {
		list, err := s.Messages(ctx, "console", channel, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range list {
			out = append(out, m.Ref)
		}
		return out
	}
	for channel, want := range map[string][]string{
		"incidents":      {"announce:INC-1", "job:7:announce", "announce:INC-2"},
		"inc-1-checkout": {"card:INC-1", "job:7"},
		"inc-2-db":       {"card:INC-2"},
	} {
		if got := refs(channel); !slices.Equal(got, want) {
			t.Errorf("channel %s lists %v, want %v", channel, got, want)
		}
	}
	// An old message edited, and one claimed from what was read.
	m, err := s.MessageByRef(ctx, "console", "job:7")
	if err != nil {
		t.Fatal(err)
	}
	edit := *m
	edit.Body, edit.UpdatedAt = []byte(`{"text":"edited"}`), at
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SaveMessage(ctx, &edit) })
	claim := edit
	claim.Body, claim.Channel = []byte(`{"text":"claimed"}`), "inc-2-db"
	var won bool
	inTx(t, s, func(ctx context.Context, tx bot.Tx) (err error) {
		won, err = tx.ClaimMessage(ctx, &claim, &edit)
		return err
	})
	read, err := s.MessageByRef(ctx, "console", "job:7")
	if err != nil || !won || read.ID != m.ID || string(read.Body) != `{"text":"claimed"}` || read.Channel != "inc-2-db" ||
		!read.CreatedAt.Equal(created) || !read.UpdatedAt.Equal(at) {
		t.Fatalf("old message claimed (%v) reads back as %+v, %v", won, read, err)
	}
	if got := refs("inc-2-db"); !slices.Equal(got, []string{"job:7", "card:INC-2"}) {
		t.Errorf("channel inc-2-db lists %v after the claim", got)
	}
}

// incidentBefore creates a SEV3 incident in the store open returns, and
// closes it, for a test to take the database back to an older schema.
func incidentBefore(t *testing.T, open func() bot.Store) *bot.Incident {
	t.Helper()
	s := open()
	inc := kinc(bot.SEV3, "api", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), 0, -1, -1)
	create(t, s, inc)
	closeStore(t, s)
	return inc
}

// closeStore closes s where it can be closed.
func closeStore(t *testing.T, s bot.Store) {
	t.Helper()
	if c, ok := s.(interface{ Close() error }); ok {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
