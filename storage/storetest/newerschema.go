package storetest

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// testNewerSchemaStopsClaims: once a newer warroom has migrated the
// database, this one claims no outbox job and no timer; it claims again
// when the schema is one it knows.
func testNewerSchemaStopsClaims(t *testing.T, s bot.Store) {
	ctx := context.Background()
	st, ok := s.(interface {
		DB() *sql.DB
		SchemaVersion() int64
	})
	if !ok {
		t.Skip("the store does not expose its database")
	}
	inc := newIncident(t, s, "newer schema", bot.StatusTriggered)
	enqueue(t, s, &bot.Job{Kind: "slack.post", Incident: inc.Number, NextAt: t0, CreatedAt: t0})
	tm := &bot.Timer{Incident: inc.Number, Kind: bot.TimerEscalate, Level: 1, DueAt: t0, CreatedAt: t0}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SetTimer(ctx, tm) })

	newer := st.SchemaVersion() + 1
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)`, newer); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"", "slack"} {
		jobs, err := s.Claim(ctx, "old", target, at(time.Minute), 30*time.Second, 10)
		if err != nil || len(jobs) != 0 {
			t.Errorf("claim (target %q) under a newer schema: %d jobs, %v; want none", target, len(jobs), err)
		}
	}
	err := s.InTx(ctx, func(tx bot.Tx) error { _, err := tx.ClaimTimer(ctx, tm.ID, at(time.Minute)); return err })
	if !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("timer claim under a newer schema: %v, want not found", err)
	}

	if _, err := st.DB().ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = $1`, newer); err != nil {
		t.Fatal(err)
	}
	if jobs := claim(t, s, "old", at(time.Minute)); len(jobs) != 1 {
		t.Errorf("claim at the known schema: %d jobs, want 1", len(jobs))
	}
	err = s.InTx(ctx, func(tx bot.Tx) error { _, err := tx.ClaimTimer(ctx, tm.ID, at(time.Minute)); return err })
	if err != nil {
		t.Errorf("timer claim at the known schema: %v", err)
	}
}
