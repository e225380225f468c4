package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/warroom/warroom/internal/testkit"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/postgres"
	"github.com/warroom/warroom/storage/storetest"
)

func open(t testing.TB, dsn string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), postgres.Config{DSN: dsn}, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestStore(t *testing.T) {
	testkit.PostgresDSN(t)
	storetest.Run(t, func(t *testing.T) bot.Store {
		return open(t, testkit.PostgresSchema(t))
	})
}

func TestReopenIsIdempotent(t *testing.T) {
	ctx := context.Background()
	dsn := testkit.PostgresSchema(t)
	for i := range 3 {
		s, err := postgres.Open(ctx, postgres.Config{DSN: dsn}, nil)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Errorf("Ping after open %d: %v", i, err)
		}
		var n int64
		if err := s.DB().QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&n); err != nil || n != s.SchemaVersion() {
			t.Errorf("schema_migrations is at version %d (%v), want %d", n, err, s.SchemaVersion())
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConcurrentOpensMigrateOnce(t *testing.T) {
	dsn := testkit.PostgresSchema(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := postgres.Open(context.Background(), postgres.Config{DSN: dsn}, nil)
			if err == nil {
				err = s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Open: %v", err)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	dsn := testkit.PostgresSchema(t)
	s := open(t, dsn)
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)`); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); !errors.Is(err, postgres.ErrSchemaNewer) {
		t.Errorf("Ping on a newer schema: %v", err)
	}
	_, err := postgres.Open(ctx, postgres.Config{DSN: dsn}, nil)
	want := fmt.Sprintf("database schema version 999 is newer than this warroom knows (%d); upgrade warroom", s.SchemaVersion())
	if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, postgres.ErrSchemaNewer) {
		t.Fatalf("Open on a newer schema: %v\nwant an error saying %q", err, want)
	}
}

func TestTryLead(t *testing.T) {
	ctx := context.Background()
	a := open(t, testkit.PostgresSchema(t))
	b := open(t, testkit.PostgresSchema(t))
	b2 := make([]byte, 6)
	_, _ = rand.Read(b2)
	name := "scheduler-" + hex.EncodeToString(b2) // advisory locks are database-wide

	releaseA, ok, err := a.TryLead(ctx, name)
	if err != nil || !ok {
		t.Fatalf("first TryLead = %v, %v; want leadership", ok, err)
	}
	if _, ok, err := b.TryLead(ctx, name); err != nil || ok {
		t.Fatalf("second store's TryLead = %v, %v; want refused", ok, err)
	}
	if _, ok, err := a.TryLead(ctx, name); err != nil || ok {
		t.Fatalf("TryLead again while leading = %v, %v; want refused", ok, err)
	}
	releaseOther, ok, err := b.TryLead(ctx, name+"-other")
	if err != nil || !ok {
		t.Fatalf("another name = %v, %v; want leadership", ok, err)
	}
	releaseOther()
	releaseA()
	releaseA() // harmless
	releaseB, ok, err := b.TryLead(ctx, name)
	if err != nil || !ok {
		t.Fatalf("TryLead after release = %v, %v; want leadership", ok, err)
	}
	releaseB()
}

// TestGroupCommit runs the group-commit suite with GroupCommit on (it is
// off by default).
func TestGroupCommit(t *testing.T) {
	testkit.PostgresDSN(t)
	openGrouped := func(t *testing.T) *postgres.Store {
		s, err := postgres.Open(context.Background(), postgres.Config{DSN: testkit.PostgresSchema(t), GroupCommit: true}, nil)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	storetest.RunGroupCommit(t, func(t *testing.T) storetest.Grouping { return openGrouped(t) })
}

// TestReadDuringTransactionOnOneConnection: a transaction that reads
// outside itself while it holds its connection, as a resolve drafting its
// postmortem reads the timeline, gets a connection for the read even when
// every transaction connection is taken (MaxConns 1, two at once). On one
// shared pool each waited for the other's connection until its deadline.
func TestReadDuringTransactionOnOneConnection(t *testing.T) {
	ctx := context.Background()
	s, err := postgres.Open(ctx, postgres.Config{DSN: testkit.PostgresSchema(t), MaxConns: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			errs <- s.InTx(ctx, func(tx bot.Tx) error {
				if _, err := s.Incident(ctx, 1); !errors.Is(err, bot.ErrNotFound) {
					return fmt.Errorf("read during the transaction: %v, want not found", err)
				}
				return nil
			})
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
