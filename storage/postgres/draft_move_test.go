package postgres_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// TestDraftMessageWaitsForAMove: a message carrying the postmortem draft,
// saved in the incident's channel while the incident's move to another
// channel holds the draft, waits for the move, then finds the channel no
// longer the incident's and is stored in full: the draft made again later
// leaves it readable. Had it stored a reference to the draft in the old
// channel, the new draft would not have written it out, and it would no
// longer read back.
func TestDraftMessageWaitsForAMove(t *testing.T) {
	dsn := testkit.PostgresSchema(t)
	s := open(t, dsn)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	draft := "# Postmortem: INC-1\n\n" + strings.Repeat("- 00:00 UTC @alice: checked the replicas, p99 above 2s\n", 20)
	var number int64
	if err := s.InTx(ctx, func(tx bot.Tx) error {
		n, err := tx.NextIncidentNumber(ctx)
		if err != nil {
			return err
		}
		number = n
		inc := &bot.Incident{Number: n, Title: "Checkout down", Source: "manual", Severity: bot.SEV3, Status: bot.StatusResolved,
			StartedAt: t0, DeclaredAt: t0, UpdatedAt: t0, Version: 1}
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return err
		}
		if err := tx.LinkChannel(ctx, n, "console", "inc-1"); err != nil {
			return err
		}
		return tx.SavePostmortem(ctx, &bot.Postmortem{Incident: n, Body: draft, GeneratedAt: t0})
	}); err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(bot.Message{Title: "Postmortem draft", Text: draft, Incident: number})
	if err != nil {
		t.Fatal(err)
	}

	moving, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 2)
	go func() {
		done <- s.InTx(ctx, func(tx bot.Tx) error {
			if err := tx.LinkChannel(ctx, number, "console", "inc-1-moved"); err != nil {
				return err
			}
			close(moving)
			<-release
			return nil
		})
	}()
	<-moving
	m := &bot.PostedMessage{Platform: "console", Channel: "inc-1", Ref: "post", Incident: number, Body: body, CreatedAt: t0, UpdatedAt: t0}
	go func() { done <- s.SaveMessage(ctx, m) }()
	testkit.Eventually(t, "the save waits for the move's hold on the draft", func() bool {
		var n int
		err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM postmortems p%JOIN incident_channels%'`).Scan(&n)
		return err == nil && n == 1
	})
	close(release)
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if err := s.InTx(ctx, func(tx bot.Tx) error {
		return tx.SavePostmortem(ctx, &bot.Postmortem{Incident: number, Body: draft + "\nv2", GeneratedAt: t0.Add(time.Hour)})
	}); err != nil {
		t.Fatal(err)
	}
	got, err := s.MessageByRef(ctx, "console", "post")
	if err != nil {
		t.Fatalf("the message saved during the move does not read back: %v", err)
	}
	if string(got.Body) != string(body) {
		t.Fatalf("the message saved during the move reads back as %q; want %q", got.Body, body)
	}
}
