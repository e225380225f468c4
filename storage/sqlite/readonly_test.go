package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/sqlite"
)

func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	if _, err := sqlite.Open(ctx, sqlite.Config{Path: path, ReadOnly: true}, nil); err == nil {
		t.Fatal("read-only open of a missing database succeeded")
	}
	rw := open(t, path)
	err := rw.InTx(ctx, func(tx bot.Tx) error {
		_, err := tx.CreateMaintenance(ctx, &bot.MaintenanceWindow{Matchers: []bot.Matcher{{Name: "a", Op: "=", Value: "b"}},
			StartsAt: time.Unix(0, 0), EndsAt: time.Unix(3600, 0), CreatedAt: time.Unix(0, 0)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ro, err := sqlite.Open(ctx, sqlite.Config{Path: path, ReadOnly: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	ws, err := ro.MaintenanceWindows(ctx, bot.MaintenanceFilter{})
	if err != nil || len(ws) != 1 {
		t.Errorf("read-only MaintenanceWindows = %+v, %v", ws, err)
	}
	err = ro.InTx(ctx, func(tx bot.Tx) error {
		_, err := tx.NextIncidentNumber(ctx)
		return err
	})
	if err == nil {
		t.Error("a write through a read-only store succeeded")
	}
}
