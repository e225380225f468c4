package storetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// Posted message bodies and postmortem drafts are stored packed from
// schema 23 on: whatever is stored, what is read back is what was written.

// OldMessageBody and OldPostmortem are what a database made before schema
// 23 holds as text; PackedBodiesMigration's rewind writes them.
var (
	OldMessageBody = `{"title":"SEV3 INC-1: Checkout latency above SLO","fields":[{"label":"Status","value":"resolved"},` +
		`{"label":"Severity","value":"SEV3"}],"severity":3,"incident":1}`
	OldPostmortem = "# Postmortem: INC-1 Checkout latency above SLO\n\n## Summary\n\nTODO: what happened, in two or three sentences.\n"
	OldPayload    = `{"message":{"text":"alice acknowledged INC-1 after 2m: looking at the replicas","incident":1},"announce":true}`
)

func testPackedBodies(t *testing.T, s bot.Store) {
	ctx := context.Background()
	inc := kinc(bot.SEV3, "api", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), 0, -1, -1)
	create(t, s, inc)
	draft := strings.Repeat("## Timeline\n\n- 2026-03-01 00:00 UTC @alice: checked the replicas\n", 40)
	bodies := []string{
		`{}`, // too short to pack
		`{"text":"alice acknowledged INC-1","incident":1}`,
		`{"title":"Postmortem draft","text":` + quote(draft) + `,"attachments":[{"name":"p.md","data":"` + strings.Repeat("QUJD", 500) + `"}]}`,
		`{"text":"\u0000 and bytes beyond ASCII: é, ✓"}`,
	}
	for i, body := range bodies {
		now := time.Date(2026, 3, 1, 0, 0, i, 0, time.UTC)
		m := &bot.PostedMessage{Platform: "console", Channel: "c", Ref: "r" + string(rune('a'+i)), Incident: inc.Number,
			Body: []byte(body), CreatedAt: now, UpdatedAt: now}
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SaveMessage(ctx, m) })
		got, err := s.MessageByRef(ctx, "console", m.Ref)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Body) != body {
			t.Errorf("body %d read back as %q, want %q", i, got.Body, body)
		}
	}
	// An edit in another channel moves the message, keeping its id.
	first, _ := s.MessageByRef(ctx, "console", "ra")
	moved := &bot.PostedMessage{Platform: "console", Channel: "elsewhere", Ref: "ra", Incident: inc.Number, Body: []byte(bodies[2]),
		CreatedAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SaveMessage(ctx, moved) })
	if got, err := s.MessageByRef(ctx, "console", "ra"); err != nil || got.Channel != "elsewhere" || got.ID != first.ID ||
		!got.CreatedAt.Equal(first.CreatedAt) || string(got.Body) != bodies[2] {
		t.Errorf("moved message read back as %+v, %v", got, err)
	}
	if list, err := s.Messages(ctx, "console", "c", 0); err != nil || len(list) != len(bodies)-1 {
		t.Errorf("channel c after the move: %d messages, %v; want %d", len(list), err, len(bodies)-1)
	}
	empty := &bot.PostedMessage{Platform: "console", Channel: "c", Ref: "empty", CreatedAt: time.Unix(0, 0), UpdatedAt: time.Unix(0, 0)}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SaveMessage(ctx, empty) })
	if got, err := s.MessageByRef(ctx, "console", "empty"); err != nil || got.Body != nil {
		t.Errorf("an empty body read back as %q, %v", got.Body, err)
	}
	// An edit in place to a shorter body (stored padded to the longer
	// one's size) reads back as written, and a compare-and-set from it
	// takes the row.
	longer := `{"title":"SEV3 INC-1: Checkout latency above SLO","fields":[{"label":"Status","value":"acknowledged"},` +
		`{"label":"Commander","value":"@alice.lastname"}],"severity":3,"incident":1}`
	shorter := `{"title":"SEV3 INC-1: Checkout latency above SLO","fields":[{"label":"Status","value":"resolved"}],"severity":3,"incident":1}`
	for _, body := range []string{shorter, longer, shorter} {
		edit := &bot.PostedMessage{Platform: "console", Channel: "c", Ref: "card", Incident: inc.Number, Body: []byte(body),
			CreatedAt: time.Unix(5, 0), UpdatedAt: time.Unix(6, 0)}
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SaveMessage(ctx, edit) })
		if got, err := s.MessageByRef(ctx, "console", "card"); err != nil || string(got.Body) != body {
			t.Fatalf("edited body read back as %q, %v; want %q", got.Body, err, body)
		}
	}
	read, _ := s.MessageByRef(ctx, "console", "card")
	next := *read
	next.Body = json.RawMessage(`{"text":"claimed after edits"}`)
	var claimed bool
	inTx(t, s, func(ctx context.Context, tx bot.Tx) (err error) {
		claimed, err = tx.ClaimMessage(ctx, &next, read)
		return err
	})
	if got, err := s.MessageByRef(ctx, "console", "card"); !claimed || err != nil || string(got.Body) != string(next.Body) {
		t.Fatalf("claim over an edited row: claimed %v, now %+v, %v", claimed, got, err)
	}
	for _, d := range []string{draft, "short", "\x00 starts as a packed value does"} {
		p := &bot.Postmortem{Incident: inc.Number, Body: d, GeneratedAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SavePostmortem(ctx, p) })
		got, err := s.(bot.InsightsReader).Postmortem(ctx, inc.Number)
		if err != nil || got.Body != d {
			t.Errorf("postmortem read back as %q, %v; want %q", got.Body, err, d)
		}
	}
}

// PackedBodiesMigration checks schema 23 on a database made before it:
// rewind undoes schema 23 in the closed database at open's path and writes
// OldMessageBody (platform "console", ref "card:INC-1"), OldPostmortem and
// a pending job of target "console" with OldPayload for the incident it is
// given, as text; after the migration all read back the same, and are
// written again packed.
func PackedBodiesMigration(t *testing.T, open func() bot.Store, rewind func(incident int64)) {
	t.Helper()
	ctx := context.Background()
	inc := incidentBefore(t, open)
	rewind(inc.Number)
	s := open()
	check := func(when string) {
		t.Helper()
		m, err := s.MessageByRef(ctx, "console", "card:INC-1")
		if err != nil || string(m.Body) != OldMessageBody {
			t.Fatalf("%s: message %+v, %v", when, m, err)
		}
		p, err := s.(bot.InsightsReader).Postmortem(ctx, inc.Number)
		if err != nil || p.Body != OldPostmortem {
			t.Fatalf("%s: postmortem %+v, %v", when, p, err)
		}
	}
	check("after the migration")
	jobs, err := s.Claim(ctx, "test", "console", time.Now(), time.Minute, 10)
	if err != nil || len(jobs) != 1 || string(jobs[0].Payload) != OldPayload {
		t.Fatalf("the job queued before the migration claimed as %+v, %v", jobs, err)
	}
	m, _ := s.MessageByRef(ctx, "console", "card:INC-1")
	// A compare-and-set over the row written before the migration takes
	// it: the body it read is the body there, however it is stored.
	next := *m
	next.Body = json.RawMessage(`{"text":"claimed"}`)
	var claimed bool
	inTx(t, s, func(ctx context.Context, tx bot.Tx) (err error) {
		claimed, err = tx.ClaimMessage(ctx, &next, m)
		return err
	})
	if got, err := s.MessageByRef(ctx, "console", "card:INC-1"); !claimed || err != nil || string(got.Body) != string(next.Body) {
		t.Fatalf("claim over the old row: claimed %v, now %+v, %v", claimed, got, err)
	}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		if err := tx.SaveMessage(ctx, m); err != nil {
			return err
		}
		return tx.SavePostmortem(ctx, &bot.Postmortem{Incident: inc.Number, Body: OldPostmortem, GeneratedAt: time.Now()})
	})
	check("written again")
}

func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// testSaveMessageAlone: a store's own SaveMessage (bot.Service.SaveMessage
// uses it; one statement on PostgreSQL) inserts a new ref, then edits it
// in place and moves it to another channel keeping its id and creation
// time, as Tx.SaveMessage does.
func testSaveMessageAlone(t *testing.T, s bot.Store) {
	saver, ok := s.(interface {
		SaveMessage(context.Context, *bot.PostedMessage) error
	})
	if !ok {
		t.Skip("the store saves messages only in a transaction")
	}
	ctx := context.Background()
	inc := kinc(bot.SEV3, "api", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), 0, -1, -1)
	create(t, s, inc)
	var first *bot.PostedMessage
	for i, step := range []struct{ channel, body string }{
		{"c", `{"text":"declared","incident":1}`},
		{"c", `{"text":"acknowledged by alice, a longer body than before","incident":1}`},
		{"c", `{"text":"short"}`},
		{"elsewhere", `{"text":"moved"}`},
	} {
		at := time.Date(2026, 3, 1, 0, i, 0, 0, time.UTC)
		m := &bot.PostedMessage{Platform: "console", Channel: step.channel, Ref: "card", Incident: inc.Number,
			Body: []byte(step.body), CreatedAt: at, UpdatedAt: at}
		if err := saver.SaveMessage(ctx, m); err != nil {
			t.Fatalf("save %d: %v", i, err)
		}
		got, err := s.MessageByRef(ctx, "console", "card")
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = got
		}
		if got.ID != first.ID || m.ID != first.ID || !got.CreatedAt.Equal(first.CreatedAt) || !m.CreatedAt.Equal(first.CreatedAt) ||
			got.Channel != step.channel || string(got.Body) != step.body || !got.UpdatedAt.Equal(at) {
			t.Errorf("save %d: read back %+v (saved as %+v), want id %d created %v in %s with %s", i, got, m, first.ID,
				first.CreatedAt, step.channel, step.body)
		}
	}
}
