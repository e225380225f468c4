package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// An incident's card and its announcement, saved together, store the body
// once: the announcement as a reference of a few bytes to the card, which
// names it back (schema 37), also after both are edited together.
func TestAnnouncementStoredAsCopy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "warroom.db")
	s := open(t, path)
	inc := &bot.Incident{Title: "Checkout latency above SLO", Source: "manual", Severity: bot.SEV3, Status: bot.StatusTriggered,
		StartedAt: time.Unix(1000, 0), DeclaredAt: time.Unix(1000, 0), UpdatedAt: time.Unix(1000, 0)}
	err := s.InTx(ctx, func(tx bot.Tx) (err error) {
		if inc.Number, err = tx.NextIncidentNumber(ctx); err != nil {
			return err
		}
		return tx.CreateIncident(ctx, inc)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, status := range []string{"triggered", "acknowledged", "resolved"} {
		body := json.RawMessage(`{"title":"SEV3 INC-1: Checkout latency above SLO","fields":[{"label":"Status","value":"` + status +
			`"},{"label":"Severity","value":"SEV3"},{"label":"Commander","value":"none"}],"severity":3,"incident":1}`)
		err := s.InTx(ctx, func(tx bot.Tx) error {
			for _, m := range []bot.PostedMessage{{Channel: "inc-1-checkout", Ref: "card:INC-1"}, {Channel: "incidents", Ref: "announce:INC-1"}} {
				m.Platform, m.Incident, m.Body, m.CreatedAt, m.UpdatedAt = "console", inc.Number, body, time.Unix(2000, 0), time.Unix(2000, 0)
				if err := tx.SaveMessage(ctx, &m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
		if err != nil {
			t.Fatal(err)
		}
		var card, announce []byte
		err = db.QueryRow(`SELECT (SELECT body FROM messages WHERE ref = 'card:INC-1'), (SELECT body FROM messages WHERE ref = 'announce:INC-1')`).
			Scan(&card, &announce)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(announce) > 4 || len(card) < 3 || card[0] != 0 || card[1] != 8 {
			t.Errorf("%s: the announcement is stored in %d bytes (%x), the card starts %x", status, len(announce), announce, card[:min(3, len(card))])
		}
		if got, err := s.MessageByRef(ctx, "console", "announce:INC-1"); err != nil || string(got.Body) != string(body) {
			t.Errorf("%s: the announcement reads back as %s, %v", status, got.Body, err)
		}
	}
}
