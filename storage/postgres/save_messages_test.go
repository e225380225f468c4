package postgres_test

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// TestSaveMessagesOverAnOriginal: a card and its announcement stored as
// an original and its copy (schema 37, made on SQLite and brought over by
// `warroom db copy`) are saved together again with one SaveMessages: the
// upsert leaves the original alone, and the save still stores both.
func TestSaveMessagesOverAnOriginal(t *testing.T) {
	ctx := context.Background()
	s := open(t, testkit.PostgresSchema(t))
	inc := &bot.Incident{Title: "Checkout", Severity: bot.SEV3, Status: bot.StatusTriggered, Service: "api",
		StartedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), DeclaredAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	if err := s.InTx(ctx, func(tx bot.Tx) error { return tx.CreateIncident(ctx, inc) }); err != nil {
		t.Fatal(err)
	}
	pair := func(body string, at time.Time) []*bot.PostedMessage {
		return []*bot.PostedMessage{
			{Platform: "console", Channel: "inc-1", Ref: "card", Incident: inc.Number, Body: []byte(body), CreatedAt: at, UpdatedAt: at},
			{Platform: "console", Channel: "incidents", Ref: "announce", Incident: inc.Number, Body: []byte(body), CreatedAt: at, UpdatedAt: at},
		}
	}
	t1 := time.Date(2026, 3, 1, 0, 1, 0, 0, time.UTC)
	first := pair(`{"text":"declared"}`, t1)
	if err := s.SaveMessages(ctx, first...); err != nil {
		t.Fatal(err)
	}
	card, announce := first[0].ID, first[1].ID
	// As SQLite stores them: the card the original, naming its copy.
	var stored []byte
	if err := s.DB().QueryRowContext(ctx, `SELECT body FROM messages WHERE id = $1`, card).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	original := append(binary.AppendUvarint([]byte{0x00, 0x08}, uint64(announce)), stored...)
	copyRef := binary.AppendUvarint([]byte{0x00, 0x07}, uint64(card))
	for id, body := range map[int64][]byte{card: original, announce: copyRef} {
		if _, err := s.DB().ExecContext(ctx, `UPDATE messages SET body = $2 WHERE id = $1`, id, body); err != nil {
			t.Fatal(err)
		}
	}
	read := func(when, ref, want string) {
		t.Helper()
		got, err := s.MessageByRef(ctx, "console", ref)
		if err != nil || string(got.Body) != want {
			t.Fatalf("%s: %s reads %q, %v; want %q", when, ref, got.Body, err, want)
		}
	}
	read("stored as original and copy", "card", `{"text":"declared"}`)
	read("stored as original and copy", "announce", `{"text":"declared"}`)

	t2 := time.Date(2026, 3, 1, 0, 2, 0, 0, time.UTC)
	edit := pair(`{"text":"acknowledged"}`, t2)
	if err := s.SaveMessages(ctx, edit...); err != nil {
		t.Fatalf("save over an original: %v", err)
	}
	if edit[0].ID != card || edit[1].ID != announce || !edit[0].CreatedAt.Equal(t1) {
		t.Errorf("saved as ids %d, %d created %v; want %d, %d created %v", edit[0].ID, edit[1].ID, edit[0].CreatedAt, card, announce, t1)
	}
	read("edited", "card", `{"text":"acknowledged"}`)
	read("edited", "announce", `{"text":"acknowledged"}`)
}
