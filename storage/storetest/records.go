package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func testTimeline(t *testing.T, s bot.Store) {
	ctx := context.Background()
	a := newIncident(t, s, "A", bot.StatusTriggered)
	b := newIncident(t, s, "B", bot.StatusTriggered)
	entries := []*bot.Entry{
		{Incident: a.Number, At: t0, Kind: bot.EntryDeclared, Actor: "alice", Text: "alice declared SEV3: A", Data: map[string]string{"severity": "SEV3"}},
		{Incident: b.Number, At: at(time.Second), Kind: bot.EntryNote, Actor: "bob", Text: "elsewhere"},
		{Incident: a.Number, At: at(time.Minute), Kind: bot.EntryNote, Actor: "bob", Text: "rolled back\n1234", Data: map[string]string{}},
		{Incident: a.Number, At: at(time.Minute), Kind: bot.EntryResolved, Actor: "", Text: "résolu ✓", Data: map[string]string{"old": "triggered", "new": "resolved"}},
	}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for _, e := range entries {
			if err := tx.AddEntry(ctx, e); err != nil {
				return err
			}
			if e.ID == 0 {
				t.Errorf("AddEntry left ID 0")
			}
		}
		return nil
	})
	got, err := s.Timeline(ctx, a.Number)
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "timeline of A", []bot.Entry{*entries[0], *entries[2], *entries[3]}, got)
}

func testAudit(t *testing.T, s bot.Store) {
	ctx := context.Background()
	a := newIncident(t, s, "A", bot.StatusTriggered)
	b := newIncident(t, s, "B", bot.StatusTriggered)
	records := []*bot.AuditRecord{
		{At: t0, Actor: "alice", Action: "declare", Incident: a.Number, After: map[string]any{"title": "A", "private": false}},
		{At: at(time.Second), Actor: "bob", Action: "declare", Incident: b.Number},
		{At: at(time.Minute), Actor: "alice", Action: "status", Incident: a.Number,
			Before: map[string]any{"status": "triggered"}, After: map[string]any{"status": "acknowledged", "seq": float64(3)}},
		{At: at(time.Hour), Actor: "admin", Action: "config", Before: map[string]any{}, After: map[string]any{"nested": map[string]any{"k": "v"}}},
	}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for _, r := range records {
			if err := tx.AddAudit(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	tests := []struct {
		name string
		f    bot.AuditFilter
		want []*bot.AuditRecord
	}{
		{"all", bot.AuditFilter{}, records},
		{"incident", bot.AuditFilter{Incident: a.Number}, []*bot.AuditRecord{records[0], records[2]}},
		{"limit", bot.AuditFilter{Limit: 2}, records[:2]},
		{"incident limit", bot.AuditFilter{Incident: a.Number, Limit: 1}, records[:1]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Audit(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var want []bot.AuditRecord
			for _, r := range tc.want {
				want = append(want, *r)
			}
			diff(t, "audit", want, got)
		})
	}
}

func testActionItems(t *testing.T, s bot.Store) {
	ctx := context.Background()
	a := newIncident(t, s, "A", bot.StatusResolved)
	b := newIncident(t, s, "B", bot.StatusTriggered)
	items := []*bot.ActionItem{
		{Incident: a.Number, Seq: 1, Title: "Add disk alerts", Owner: "bob", Due: ptr(at(24 * time.Hour)), Kind: bot.ActionDetective, Status: bot.ActionOpen, CreatedAt: t0},
		{Incident: b.Number, Seq: 1, Title: "Fix failover", Owner: "alice", Kind: bot.ActionCorrective, Status: bot.ActionOpen, CreatedAt: at(time.Second)},
		{Incident: a.Number, Seq: 2, Title: "Runbook", Kind: bot.ActionPreventive, Status: bot.ActionOpen, Ticket: "OPS-1", CreatedAt: at(time.Minute)},
	}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for _, it := range items {
			if err := tx.AddAction(ctx, it); err != nil {
				return err
			}
		}
		return nil
	})
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		got, err := tx.IncidentActions(ctx, a.Number)
		diff(t, "IncidentActions", []bot.ActionItem{*items[0], *items[2]}, got)
		if err != nil {
			return err
		}
		items[0].Status, items[0].DoneAt, items[0].Due, items[0].Title = bot.ActionDone, ptr(at(time.Hour)), nil, "Add disk alerts everywhere"
		return tx.UpdateAction(ctx, items[0])
	})
	err := s.InTx(ctx, func(tx bot.Tx) error {
		return tx.AddAction(ctx, &bot.ActionItem{Incident: a.Number, Seq: 2, Title: "dup", Kind: bot.ActionCorrective, Status: bot.ActionOpen, CreatedAt: t0})
	})
	if bot.ErrorCode(err) != bot.CodeConflict {
		t.Errorf("a second action item #2: %v, want a conflict", err)
	}
	tests := []struct {
		name string
		f    bot.ActionFilter
		want []*bot.ActionItem
	}{
		{"all", bot.ActionFilter{}, items},
		{"incident", bot.ActionFilter{Incident: a.Number}, []*bot.ActionItem{items[0], items[2]}},
		{"owner", bot.ActionFilter{Owner: "alice"}, []*bot.ActionItem{items[1]}},
		{"open", bot.ActionFilter{OpenOnly: true}, []*bot.ActionItem{items[1], items[2]}},
		{"incident open", bot.ActionFilter{Incident: a.Number, OpenOnly: true}, []*bot.ActionItem{items[2]}},
		{"nobody's", bot.ActionFilter{Owner: "zed"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Actions(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var want []bot.ActionItem
			for _, it := range tc.want {
				want = append(want, *it)
			}
			diff(t, "actions", want, got)
		})
	}
}

func testMessages(t *testing.T, s bot.Store) {
	ctx := context.Background()
	inc := newIncident(t, s, "A", bot.StatusTriggered)
	save := func(m *bot.PostedMessage) {
		t.Helper()
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SaveMessage(ctx, m) })
	}
	var msgs []*bot.PostedMessage
	for i, ref := range []string{"card:INC-1", "job:1", "job:2", "job:3"} {
		m := &bot.PostedMessage{
			Platform: "console", Channel: "inc-1", Ref: ref, ExternalID: "m" + ref, Incident: inc.Number,
			Body: json.RawMessage(`{"text":"` + ref + `"}`), CreatedAt: at(time.Duration(i) * time.Second), UpdatedAt: at(time.Duration(i) * time.Second),
		}
		save(m)
		msgs = append(msgs, m)
	}
	other := &bot.PostedMessage{Platform: "console", Channel: "announce", Ref: "job:4", CreatedAt: t0, UpdatedAt: t0}
	save(other)
	slack := &bot.PostedMessage{Platform: "slack", Channel: "inc-1", Ref: "card:INC-1", ExternalID: "123.456", CreatedAt: t0, UpdatedAt: t0}
	save(slack)

	// Upsert: same platform and ref keeps ID and CreatedAt.
	edit := &bot.PostedMessage{
		Platform: "console", Channel: "inc-1", Ref: "card:INC-1", ExternalID: "m2", Incident: inc.Number,
		Body: json.RawMessage(`{"text":"edited"}`), CreatedAt: at(time.Hour), UpdatedAt: at(time.Hour),
	}
	save(edit)
	if edit.ID != msgs[0].ID || !edit.CreatedAt.Equal(msgs[0].CreatedAt) {
		t.Errorf("upsert gave ID %d created %v; want %d, %v", edit.ID, edit.CreatedAt, msgs[0].ID, msgs[0].CreatedAt)
	}
	msgs[0] = edit

	got, err := s.MessageByRef(ctx, "console", "card:INC-1")
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "MessageByRef", edit, got)
	got, err = s.MessageByRef(ctx, "slack", "card:INC-1")
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "MessageByRef slack", slack, got)

	tests := []struct {
		limit int
		want  []*bot.PostedMessage
	}{
		{0, msgs}, {10, msgs}, {2, msgs[2:]}, {1, msgs[3:]},
	}
	for _, tc := range tests {
		list, err := s.Messages(ctx, "console", "inc-1", tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		var want []bot.PostedMessage
		for _, m := range tc.want {
			want = append(want, *m)
		}
		diff(t, "Messages", want, list)
	}
	if list, err := s.Messages(ctx, "console", "nowhere", 5); err != nil || len(list) != 0 {
		t.Errorf("Messages of an empty channel = %v, %v", list, err)
	}
}
