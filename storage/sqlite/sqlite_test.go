package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/sqlite"
	"github.com/warroom/warroom/storage/storetest"
)

func open(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), sqlite.Config{Path: path}, nil)
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
	storetest.Run(t, func(t *testing.T) bot.Store {
		return open(t, filepath.Join(t.TempDir(), "warroom.db"))
	})
}

func TestReopenIsIdempotent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a dir?#%", "warroom.db")
	if _, err := sqlite.Open(ctx, sqlite.Config{Path: path}, nil); err == nil {
		t.Fatal("Open in a missing directory succeeded")
	}
	path = filepath.Join(t.TempDir(), "odd ?#% name.db")
	for i := range 3 {
		s, err := sqlite.Open(ctx, sqlite.Config{Path: path, Synchronous: "full"}, nil)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Errorf("Ping after open %d: %v", i, err)
		}
		if i == 0 {
			svc, err := bot.NewService(bot.Config{}, s, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Declare(ctx, bot.DeclareInput{Title: "kept"}); err != nil {
				t.Fatal(err)
			}
		}
		if inc, err := s.Incident(ctx, 1); err != nil || inc.Title != "kept" {
			t.Errorf("open %d: incident 1 = %v, %v", i, inc, err)
		}
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&n); err != nil || int64(n) != s.SchemaVersion() {
			t.Errorf("schema_migrations is at version %d (%v), want %d", n, err, s.SchemaVersion())
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "warroom.db")
	s := open(t, path)
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)`); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); !errors.Is(err, sqlite.ErrSchemaNewer) {
		t.Errorf("Ping on a newer schema: %v", err)
	}
	_, err := sqlite.Open(ctx, sqlite.Config{Path: path}, nil)
	want := fmt.Sprintf("database schema version 999 is newer than this warroom knows (%d); upgrade warroom", s.SchemaVersion())
	if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, sqlite.ErrSchemaNewer) {
		t.Fatalf("Open on a newer schema: %v\nwant an error saying %q", err, want)
	}
}

func TestOpenRejectsBadConfig(t *testing.T) {
	for _, cfg := range []sqlite.Config{
		{},
		{Path: ":memory:"},
		{Path: filepath.Join(t.TempDir(), "x.db"), Synchronous: "OFF"},
	} {
		if s, err := sqlite.Open(context.Background(), cfg, nil); err == nil {
			s.Close()
			t.Errorf("Open(%+v) succeeded", cfg)
		}
	}
}

func TestReaderIsReadOnlyAndWALIsOn(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "warroom.db")
	s := open(t, path)
	var mode string
	if err := s.DB().QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v", mode, err)
	}
	var fk int
	if err := s.DB().QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v", fk, err)
	}
	// A second process-like handle sees the same data.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `DELETE FROM counters`); err == nil {
		t.Error("query_only connection wrote")
	}
}

func TestFilesArePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warroom.db")
	s := open(t, path)
	svc, err := bot.NewService(bot.Config{}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Declare(context.Background(), bot.DeclareInput{Title: "x"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
}

// TestBackgroundCheckpoint: committed pages reach the database file without
// the writer checkpointing (its threshold is far above what this writes).
func TestBackgroundCheckpoint(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "warroom.db")
	s := open(t, path)
	svc, err := bot.NewService(bot.Config{Targets: []string{"console"}}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	for range 200 {
		if _, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout latency above SLO", Summary: strings.Repeat("x", 500)}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for size() < before+100_000 {
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes (was %d): nothing was checkpointed", size(), before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestGroupCommit(t *testing.T) {
	storetest.RunGroupCommit(t, func(t *testing.T) storetest.Grouping {
		return open(t, filepath.Join(t.TempDir(), "warroom.db"))
	})
}

// TestNumbersGapFree: SQLite gives a rolled-back declare's number to the
// next declare (PostgreSQL skips it: its numbers come from a sequence).
func TestNumbersGapFree(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "warroom.db"))
	ctx := context.Background()
	next := func(fail bool) int64 {
		t.Helper()
		var n int64
		err := s.InTx(ctx, func(tx bot.Tx) error {
			var err error
			if n, err = tx.NextIncidentNumber(ctx); err != nil || !fail {
				return err
			}
			return errors.New("roll back")
		})
		if (err != nil) != fail {
			t.Fatalf("declare (fail %v): %v", fail, err)
		}
		return n
	}
	if n := next(false); n != 1 {
		t.Fatalf("first number %d", n)
	}
	if n := next(true); n != 2 {
		t.Fatalf("rolled-back number %d", n)
	}
	if n := next(false); n != 2 {
		t.Errorf("after a rollback the next number is %d, want 2 again", n)
	}
}
