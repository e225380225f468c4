package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// testSaveMessages: a store's SaveMessages stores several messages as
// SaveMessage in one transaction would: new ones get their ids and
// creation times, edits keep them (a new channel's row added on the way),
// the same ref on two platforms is two records, and a save that fails
// stores none of its messages.
func testSaveMessages(t *testing.T, s bot.Store) {
	saver, ok := s.(interface {
		SaveMessages(context.Context, ...*bot.PostedMessage) error
	})
	if !ok {
		t.Skip("the store saves messages only through its transactions")
	}
	ctx := context.Background()
	inc := kinc(bot.SEV3, "api", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), 0, -1, -1)
	create(t, s, inc)
	pair := func(body string, at time.Time) []*bot.PostedMessage {
		return []*bot.PostedMessage{
			{Platform: "console", Channel: "inc-1-api", Ref: "card:INC-1", Incident: inc.Number, Body: []byte(body), CreatedAt: at, UpdatedAt: at},
			{Platform: "console", Channel: "announce-batch", Ref: "announce:INC-1", Incident: inc.Number, Body: []byte(body), CreatedAt: at, UpdatedAt: at},
		}
	}
	check := func(what string, ms []*bot.PostedMessage, ids []int64, created time.Time) {
		t.Helper()
		for i, m := range ms {
			got, err := s.MessageByRef(ctx, m.Platform, m.Ref)
			if err != nil {
				t.Fatalf("%s: read %s: %v", what, m.Ref, err)
			}
			if m.ID == 0 || m.ID != ids[i] || got.ID != m.ID || !got.CreatedAt.Equal(created) || !m.CreatedAt.Equal(created) ||
				got.Channel != m.Channel || string(got.Body) != string(m.Body) || !got.UpdatedAt.Equal(m.UpdatedAt) {
				t.Errorf("%s: %s read back as %+v (saved as %+v), want id %d created %v", what, m.Ref, got, m, ids[i], created)
			}
		}
	}
	t1 := time.Date(2026, 3, 1, 0, 1, 0, 0, time.UTC)
	first := pair(`{"text":"declared"}`, t1)
	if err := saver.SaveMessages(ctx, first...); err != nil {
		t.Fatal(err)
	}
	if first[0].ID == first[1].ID {
		t.Fatalf("two messages saved under one id %d", first[0].ID)
	}
	ids := []int64{first[0].ID, first[1].ID}
	check("new", first, ids, t1)
	t2 := time.Date(2026, 3, 1, 0, 2, 0, 0, time.UTC)
	edit := pair(`{"text":"acknowledged by alice"}`, t2)
	edit[1].CreatedAt = t1 // as an adapter edits: the first creation time
	if err := saver.SaveMessages(ctx, edit...); err != nil {
		t.Fatal(err)
	}
	check("edited", edit, ids, t1)
	list, err := s.Messages(ctx, "console", "announce-batch", 0)
	if err != nil || len(list) != 1 || list[0].ID != ids[1] {
		t.Errorf("the new channel lists %+v, %v; want the announcement", list, err)
	}
	// One ref on two platforms: two records.
	two := []*bot.PostedMessage{
		{Platform: "console", Channel: "c", Ref: "post:1", Body: []byte(`{"text":"a"}`), CreatedAt: t1, UpdatedAt: t1},
		{Platform: "slack", Channel: "C1", Ref: "post:1", ExternalID: "1.2", Body: []byte(`{"text":"b"}`), CreatedAt: t1, UpdatedAt: t1},
	}
	if err := saver.SaveMessages(ctx, two...); err != nil {
		t.Fatal(err)
	}
	if two[0].ID == 0 || two[0].ID == two[1].ID {
		t.Errorf("one ref on two platforms saved as ids %d and %d", two[0].ID, two[1].ID)
	}
	check("two platforms", two[:1], []int64{two[0].ID}, t1)
	check("two platforms", two[1:], []int64{two[1].ID}, t1)
	// All or none: a ref the database refuses (PostgreSQL takes no NUL
	// in text) fails the save of both; where it is taken, both are there.
	bad := []*bot.PostedMessage{
		{Platform: "console", Channel: "c", Ref: "post:ok", Body: []byte(`{"text":"ok"}`), CreatedAt: t1, UpdatedAt: t1},
		{Platform: "console", Channel: "c", Ref: "post:\x00", Body: []byte(`{"text":"bad"}`), CreatedAt: t1, UpdatedAt: t1},
	}
	saveErr := saver.SaveMessages(ctx, bad...)
	_, readErr := s.MessageByRef(ctx, "console", "post:ok")
	switch {
	case saveErr != nil && !errors.Is(readErr, bot.ErrNotFound):
		t.Errorf("a failed save (%v) left its other message stored (%v)", saveErr, readErr)
	case saveErr == nil && readErr != nil:
		t.Errorf("a save that succeeded left a message unstored: %v", readErr)
	}
	if all, err := s.Messages(ctx, "console", "c", 0); err != nil || !slices.ContainsFunc(all, func(m bot.PostedMessage) bool { return m.Ref == "post:1" }) {
		t.Errorf("channel c lists %+v, %v", all, err)
	}
}
