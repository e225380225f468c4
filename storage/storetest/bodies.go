package storetest

import (
	"context"
	"encoding/json"
	"fmt"
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

// testDraftMessages: a posted message that carries its incident's
// postmortem draft, in one of the incident's channels, is stored as a
// reference to the draft (schema 32). Whichever way it is stored, saved
// in a transaction or alone, edited, claimed, or read after the draft was
// drafted again, it reads back byte for byte as written.
func testDraftMessages(t *testing.T, s bot.Store) {
	ctx := context.Background()
	inc := kinc(bot.SEV3, "api", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), 0, -1, -1)
	create(t, s, inc)
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.LinkChannel(ctx, inc.Number, "console", "inc-1") })
	draft := func(v int) string {
		return fmt.Sprintf("# Postmortem: INC-1 <checkout> & \"latency\" v%d\n\n", v) +
			strings.Repeat("- 2026-03-01 00:00 UTC @alice: checked the replicas — ✓ `p99` > 2s\n", 20)
	}
	message := func(d, extra string) []byte {
		type attachment struct {
			Name string  `json:"name"`
			Text *string `json:"text,omitempty"`
		}
		b, err := json.Marshal(struct {
			Title       string       `json:"title"`
			Text        string       `json:"text"`
			Incident    int64        `json:"incident"`
			Attachments []attachment `json:"attachments"`
		}{"Postmortem draft: INC-1 " + extra, d, inc.Number, []attachment{{"postmortem-inc-1.md", &d}}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	saveDraft := func(v int) {
		t.Helper()
		p := &bot.Postmortem{Incident: inc.Number, Body: draft(v), GeneratedAt: time.Date(2026, 3, 1, v, 0, 0, 0, time.UTC)}
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SavePostmortem(ctx, p) })
		if p.Version != int64(v) {
			t.Fatalf("draft saved as version %d, want %d", p.Version, v)
		}
	}
	want := map[string][]byte{} // ref: body
	save := func(channel, ref string, body []byte) {
		t.Helper()
		now := time.Date(2026, 3, 1, 1, len(want), 0, 0, time.UTC)
		m := &bot.PostedMessage{Platform: "console", Channel: channel, Ref: ref, Incident: inc.Number, Body: body, CreatedAt: now, UpdatedAt: now}
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SaveMessage(ctx, m) })
		want[ref] = body
	}
	check := func(when string) {
		t.Helper()
		for ref, body := range want {
			got, err := s.MessageByRef(ctx, "console", ref)
			if err != nil || string(got.Body) != string(body) {
				t.Fatalf("%s: %s read back as %q, %v; want %q", when, ref, got.Body, err, body)
			}
		}
		for _, ch := range []string{"inc-1", "elsewhere"} {
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
	saveDraft(1)
	save("inc-1", "post", message(draft(1), "v1"))
	save("elsewhere", "copy", message(draft(1), "v1")) // not the incident's channel
	save("inc-1", "other", message(draft(2), "not the stored draft"))
	save("inc-1", "edited", message("no draft", strings.Repeat("x", 600)))
	save("inc-1", "edited", message(draft(1), "edited to carry it"))
	if saver, ok := s.(interface {
		SaveMessage(context.Context, *bot.PostedMessage) error
	}); ok {
		now := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
		m := &bot.PostedMessage{Platform: "console", Channel: "inc-1", Ref: "alone", Incident: inc.Number, Body: message(draft(1), "alone"),
			CreatedAt: now, UpdatedAt: now}
		if err := saver.SaveMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		want["alone"] = m.Body
	}
	check("draft v1")
	// A compare-and-set from what was read takes the row.
	want["post"] = claimRead(t, s, "post", message(draft(1), "claimed"))
	check("claimed")
	// The incident moves to another channel: the messages left in the
	// old one keep their bodies, also once the draft is drafted again.
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		return tx.LinkChannel(ctx, inc.Number, "console", "inc-1-moved")
	})
	check("moved")
	// Drafted again: the messages keep the draft they carried.
	saveDraft(2)
	check("draft v2")
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.LinkChannel(ctx, inc.Number, "console", "inc-1") })
	save("inc-1", "post v2", message(draft(2), "v2"))
	saveDraft(3)
	check("draft v3")
	// A job of the transaction that drafts again, posting the draft as
	// text and as a file (base64), is claimed with the payload it had.
	payload, err := json.Marshal(bot.PostPayload{Message: bot.Message{Text: draft(4), Incident: inc.Number,
		Attachments: []bot.Attachment{{Name: "postmortem-inc-1.md", Data: []byte(draft(4))}}}})
	if err != nil {
		t.Fatal(err)
	}
	job := &bot.Job{Kind: "console.post", Incident: inc.Number, Payload: payload, Status: bot.JobPending,
		NextAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		p := &bot.Postmortem{Incident: inc.Number, Body: draft(4), GeneratedAt: time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC)}
		if err := tx.SavePostmortem(ctx, p); err != nil {
			return err
		}
		return tx.Enqueue(ctx, job)
	})
	jobs, err := s.Claim(ctx, "test", "console", time.Date(2026, 3, 1, 5, 0, 0, 0, time.UTC), time.Minute, 10)
	if err != nil || len(jobs) != 1 || string(jobs[0].Payload) != string(payload) {
		t.Fatalf("the job carrying the draft claimed as %+v, %v; want its payload %s", jobs, err, payload)
	}
	check("draft v4")
}

// claimRead claims the console's message ref with body, from the message
// as read back, and returns body; the claim must win.
func claimRead(t *testing.T, s bot.Store, ref string, body []byte) []byte {
	t.Helper()
	read, err := s.MessageByRef(context.Background(), "console", ref)
	if err != nil {
		t.Fatal(err)
	}
	next := *read
	next.Body = body
	var claimed bool
	inTx(t, s, func(ctx context.Context, tx bot.Tx) (err error) {
		claimed, err = tx.ClaimMessage(ctx, &next, read)
		return err
	})
	if !claimed {
		t.Fatalf("a claim on %s from the body read back lost", ref)
	}
	return body
}
