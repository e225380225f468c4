package postgres_test

import (
	"context"
	"github.com/warroom/warroom/internal/testkit"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/postgres"
)

func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	dsn := testkit.PostgresSchema(t)
	open(t, dsn) // migrates
	ro, err := postgres.Open(ctx, postgres.Config{DSN: dsn, ReadOnly: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.MaintenanceWindows(ctx, bot.MaintenanceFilter{}); err != nil {
		t.Errorf("read-only MaintenanceWindows: %v", err)
	}
	err = ro.InTx(ctx, func(tx bot.Tx) error {
		_, err := tx.NextIncidentNumber(ctx)
		return err
	})
	if err == nil {
		t.Error("a write through a read-only store succeeded")
	}
}
