package storetest

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// From schema 27 on, timeline entries whose text their kind and data make
// are stored without it, and a declaration's audit record without its
// empty fields; message bodies are packed against a second dictionary
// and padded when edited in place. What is read back is what was written,
// and rows written before read back as they were.

// Rows as a database written before schema 27 holds them; the dialects'
// tests write them with OldRecordsRead.
var (
	OldEntryText   = "console channel inc-1-checkout"
	OldEntryData   = `{"channel":"inc-1-checkout","platform":"console"}`
	OldDeclareData = `{"acknowledged_at":"","closed_at":"","declared_at":"2026-12-07T14:48:04Z","impact":"",` +
		`"mitigated_at":"","private":false,"resolved_at":"","service":"","severity":"SEV3",` +
		`"started_at":"2026-12-07T14:48:04Z","status":"triggered","summary":"","title":"Checkout latency above SLO"}`
	// OldPackedBody is OldMessageBody packed against the first dictionary.
	OldPackedBody = mustHex("0001001691020b436865636b6f7574206c6104ee090b792061626f766520534c4f55ab02001bd301017d00")
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// OldRecordsRead checks rows written before schema 27: write stores, in
// the closed database at open's path and for the incident it is given, a
// timeline entry of kind "channel_linked" with OldEntryText and
// OldEntryData, a "declare" audit record with before 'null' and
// OldDeclareData, and a message (platform "console", ref "card:old") with
// OldPackedBody; all read back as they were written.
func OldRecordsRead(t *testing.T, open func() bot.Store, write func(incident int64)) {
	t.Helper()
	ctx := context.Background()
	inc := incidentBefore(t, open)
	write(inc.Number)
	s := open()
	entries, err := s.Timeline(ctx, inc.Number)
	if err != nil || len(entries) != 1 || entries[0].Text != OldEntryText || entries[0].Data["channel"] != "inc-1-checkout" {
		t.Fatalf("old timeline entry read back as %+v, %v", entries, err)
	}
	var want map[string]any
	if err := json.Unmarshal([]byte(OldDeclareData), &want); err != nil {
		t.Fatal(err)
	}
	recs, err := s.Audit(ctx, bot.AuditFilter{Incident: inc.Number})
	if err != nil || len(recs) != 1 || recs[0].Before != nil || !reflect.DeepEqual(recs[0].After, want) {
		t.Fatalf("old declaration record read back as %+v, %v", recs, err)
	}
	m, err := s.MessageByRef(ctx, "console", "card:old")
	if err != nil || string(m.Body) != OldMessageBody {
		t.Fatalf("old packed message read back as %+v, %v", m, err)
	}
	// An edit in place of the old row, and a claim from what it read.
	edit := *m
	edit.Body = json.RawMessage(`{"text":"edited"}`)
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SaveMessage(ctx, &edit) })
	read, err := s.MessageByRef(ctx, "console", "card:old")
	if err != nil || string(read.Body) != string(edit.Body) {
		t.Fatalf("edited old message read back as %+v, %v", read, err)
	}
}

// testCompactRecords writes entries and audit records in the shapes the
// domain writes (and some it does not), and reads them back the same.
func testCompactRecords(t *testing.T, s bot.Store) {
	ctx := context.Background()
	inc := kinc(bot.SEV3, "api", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), 0, -1, -1)
	create(t, s, inc)
	at := time.Date(2026, 3, 1, 0, 1, 0, 0, time.UTC)
	entries := []bot.Entry{
		{Kind: bot.EntryAcknowledged, Text: "Acknowledged", Data: map[string]string{"old": "triggered", "new": "acknowledged"}},
		{Kind: bot.EntryAcknowledged, Text: "Acknowledged by the pager", Data: map[string]string{"new": "acknowledged"}},
		{Kind: bot.EntryResolved, Text: "Resolved: rolled back", Data: map[string]string{"summary": "rolled back"}},
		{Kind: bot.EntryResolved, Text: "Resolved", Data: map[string]string{"new": "resolved"}},
		{Kind: bot.EntryResolved, Text: "Resolved: other words", Data: map[string]string{"summary": "rolled back"}},
		{Kind: bot.EntryChannelLinked, Text: "console channel inc-1-db", Data: map[string]string{"platform": "console", "channel": "inc-1-db"}},
		{Kind: bot.EntryChannelLinked, Text: "console channel inc-1-db", Data: nil},
		{Kind: bot.EntryPostmortem, Text: "Postmortem draft v2 generated", Data: map[string]string{"version": "2"}},
		{Kind: bot.EntryPostmortem, Text: "Postmortem draft v2 regenerated", Data: map[string]string{"version": "2"}},
		{Kind: bot.EntryNote, Text: "", Data: nil},
		{Kind: bot.EntryClosed, Text: "Closed", Data: nil},
		{Kind: bot.EntryReopened, Text: "Reopened", Data: map[string]string{}},
		// The status an acknowledgement or a resolution moved to is
		// left out of its data where the kind says it (schema 32).
		{Kind: bot.EntryResolved, Text: "Resolved: rolled back", Data: map[string]string{"old": "acknowledged", "new": "resolved", "summary": "rolled back"}},
		{Kind: bot.EntryAcknowledged, Text: "Acknowledged", Data: map[string]string{"old": "triggered", "new": "investigating"}},
		{Kind: bot.EntryResolved, Text: "Resolved", Data: map[string]string{"new": ""}},
		{Kind: bot.EntryNote, Text: "@ a note", Data: map[string]string{"new": "resolved"}},
	}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for i := range entries {
			entries[i].Incident, entries[i].At, entries[i].Actor = inc.Number, at, "api"
			if err := tx.AddEntry(ctx, &entries[i]); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.Timeline(ctx, inc.Number)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]bot.Entry{}
	for _, e := range got {
		byID[e.ID] = e
	}
	for _, e := range entries {
		if g := byID[e.ID]; g.Text != e.Text || len(g.Data) != len(e.Data) || (len(e.Data) > 0 && !reflect.DeepEqual(g.Data, e.Data)) {
			t.Errorf("entry %s %q read back as %q (data %v)", e.Kind, e.Text, g.Text, g.Data)
		}
	}
	full := map[string]any{}
	if err := json.Unmarshal([]byte(OldDeclareData), &full); err != nil {
		t.Fatal(err)
	}
	set := map[string]any{}
	for k, v := range full {
		set[k] = v
	}
	set["summary"], set["private"], set["service"] = "replica lag", true, "db"
	now := map[string]any{}
	for k, v := range full {
		now[k] = v
	}
	now["declared_at"], now["started_at"] = "2026-03-01T00:01:00Z", "2026-03-01T00:01:00Z"
	started := map[string]any{}
	for k, v := range now {
		started[k] = v
	}
	started["started_at"] = "2026-02-28T23:55:00Z"
	recs := []bot.AuditRecord{
		{Action: "declare", After: full},
		{Action: "declare", After: set},
		{Action: "declare", After: now},
		{Action: "declare", After: started},
		{Action: "declare", Before: map[string]any{}, After: full},
		{Action: "declare", After: map[string]any{"status": "triggered", "summary": ""}},
		{Action: "status", Before: map[string]any{"acknowledged_at": "", "status": "triggered"},
			After: map[string]any{"acknowledged_at": "2026-03-01T00:01:00Z", "status": "acknowledged"}},
		{Action: "declare"},
		// Lifecycle times set at the record's own time (schema 32), and
		// shapes that only look like it.
		{Action: "resolve", Before: map[string]any{"resolved_at": "", "status": "acknowledged"},
			After: map[string]any{"resolved_at": "2026-03-01T00:01:00Z", "status": "resolved"}},
		{Action: "status", Before: map[string]any{"mitigated_at": "", "resolved_at": "", "acknowledged_at": "", "status": "triggered"},
			After: map[string]any{"mitigated_at": "2026-03-01T00:01:00Z", "resolved_at": "2026-03-01T00:01:00Z",
				"acknowledged_at": "2026-02-28T00:00:00Z", "status": "resolved"}},
		{Action: "status", Before: map[string]any{"closed_at": ""}, After: map[string]any{"closed_at": "2026-03-01T00:01:00Z"}},
		{Action: "reopen", Before: map[string]any{"resolved_at": "2026-03-01T00:01:00Z", "status": "resolved"},
			After: map[string]any{"resolved_at": "", "status": "investigating"}},
		{Action: "status", After: map[string]any{"acknowledged_at": "2026-03-01T00:01:00Z"}},
		{Action: "status", Before: map[string]any{"acknowledged_at": nil}, After: map[string]any{"acknowledged_at": "2026-03-01T00:01:00Z"}},
		{Action: "edit", Before: map[string]any{"title": "@a{} a title like a mark"}, After: map[string]any{"title": "@"}},
	}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for i := range recs {
			recs[i].Incident, recs[i].At, recs[i].Actor = inc.Number, at, "api"
			if err := tx.AddAudit(ctx, &recs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	back, err := s.Audit(ctx, bot.AuditFilter{Incident: inc.Number})
	if err != nil || len(back) != len(recs) {
		t.Fatalf("audit read back as %d records, %v", len(back), err)
	}
	for i, r := range recs {
		if b := back[i]; !reflect.DeepEqual(b.Before, r.Before) || !reflect.DeepEqual(b.After, r.After) {
			t.Errorf("audit record %d read back as before %#v after %#v; want %#v, %#v", i, b.Before, b.After, r.Before, r.After)
		}
	}
}
