// Package sqlite is warroom's single-file store: bot.Store on SQLite through
// modernc.org/sqlite (pure Go), in WAL mode. One writer connection runs every
// transaction and outbox write, so writers queue in Go rather than meet
// SQLITE_BUSY; a pool of query-only connections serves reads.
//
// It imports storage/internal/sqlstore (and through it bot) and the driver.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/warroom/warroom/storage/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrSchemaNewer is wrapped when the database was migrated by a newer warroom.
var ErrSchemaNewer = sqlstore.ErrSchemaNewer

// Config says where the database lives and how hard it syncs.
type Config struct {
	Path string // database file; created when missing
	// Synchronous is "NORMAL" (default: a power loss may lose the last
	// transactions but never corrupts) or "FULL" (every commit is fsynced).
	Synchronous string
	Readers     int // read connections; 0: one per core, 2 to 4
	// ReadOnly opens an existing database for reading only: no file is
	// created, nothing is migrated or checkpointed, every write fails.
	ReadOnly bool
}

// Store is bot.Store on SQLite.
type Store struct {
	*sqlstore.Store
	ckpt *checkpointer
}

var dialect = sqlstore.Dialect{
	Name:              "sqlite",
	IsUniqueViolation: isUniqueViolation,
	TitleMatch:        sqlstore.SQLiteTitleMatch,
	FieldValue:        func(col, param string) string { return "json_extract(" + col + ", '$.\"' || " + param + " || '\"')" },
	Prepare:           true,
	Positional:        true,
	LastInsertID:      true,
	GroupCommit:       true,
	Tombstones:        true,
	AuditInTimeline:   true,
	LastChange:        `SELECT MAX(value) FROM counters WHERE name = 'changed'`,
	Unindexed:         "+",
	OneWriter:         true,
	// One past the newest job and past every id given before it (the
	// trigger outbox_newest_gone keeps counters' 'outbox' row at the
	// newest job deleted): migration 0031.
	OutboxNextID: `(SELECT MAX(COALESCE((SELECT MAX(id) FROM outbox), 0), COALESCE((SELECT value FROM counters WHERE name = 'outbox'), 0)) + 1)`,
}

// Open opens (creating if needed) the database at cfg.Path and applies
// pending migrations.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Store, error) {
	if cfg.Path == "" || cfg.Path == ":memory:" || strings.HasPrefix(cfg.Path, "file:") {
		return nil, fmt.Errorf("open sqlite: path %q must name a file", cfg.Path)
	}
	syncMode := strings.ToUpper(cfg.Synchronous)
	switch syncMode {
	case "":
		syncMode = "NORMAL"
	case "NORMAL", "FULL":
	default:
		return nil, fmt.Errorf("open sqlite: synchronous %q is not NORMAL or FULL", cfg.Synchronous)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	readers := cfg.Readers
	if readers <= 0 {
		// SQLite reads are CPU-bound: more connections than cores add
		// memory (each keeps its own caches), not speed.
		readers = min(4, max(2, runtime.NumCPU()))
	}
	migs, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}

	if cfg.ReadOnly {
		return openReadOnly(ctx, cfg.Path, migs, log)
	}
	// Create the file ourselves so that it, and the -wal and -shm files
	// SQLite gives the same mode, are private to the owner.
	if f, err := os.OpenFile(cfg.Path, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	} else if err := f.Close(); err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	if err := setPageSize(ctx, cfg.Path); err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", cfg.Path, err)
	}

	writer, err := sql.Open("sqlite", dsn(cfg.Path,
		"_pragma=busy_timeout(5000)", "_pragma=journal_mode(WAL)", "_pragma=foreign_keys(1)",
		"_pragma=synchronous("+syncMode+")", fmt.Sprintf("_pragma=wal_autocheckpoint(%d)", backstopPages),
		fmt.Sprintf("_pragma=journal_size_limit(%d)", walSizeLimit), "_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", cfg.Path, err)
	}
	// One connection, kept forever: its prepared statements live on it.
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	if err := writer.PingContext(ctx); err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", cfg.Path, err)
	}

	// Readers keep a smaller page cache than the writer's default 2 MiB: the
	// operating system caches the file too, and the pool's resident memory
	// adds up per connection.
	reader, err := sql.Open("sqlite", dsn(cfg.Path, "_pragma=busy_timeout(5000)", "_pragma=query_only(1)", "_pragma=cache_size(-512)"))
	if err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", cfg.Path, err)
	}
	reader.SetMaxOpenConns(readers)
	reader.SetMaxIdleConns(readers)

	s, err := sqlstore.Open(ctx, sqlstore.Config{Writer: writer, Reader: reader, Dialect: dialect, Migrations: migs}, log)
	if err != nil {
		_ = reader.Close()
		_ = writer.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", cfg.Path, err)
	}
	ckpt, err := startCheckpointer(cfg.Path, syncMode, log)
	if err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", cfg.Path, err)
	}
	return &Store{Store: s, ckpt: ckpt}, nil
}

// Close stops the checkpointer and closes the database.
func (s *Store) Close() error {
	if s.ckpt == nil { // read-only
		return s.Store.Close()
	}
	return errors.Join(s.ckpt.close(), s.Store.Close())
}

// openReadOnly opens an existing, current database for queries only.
func openReadOnly(ctx context.Context, path string, migs fs.FS, log *slog.Logger) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	db, err := sql.Open("sqlite", dsn(path, "mode=ro", "_pragma=busy_timeout(5000)", "_pragma=query_only(1)"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	s, err := sqlstore.Open(ctx, sqlstore.Config{Writer: db, Dialect: dialect, Migrations: migs, ReadOnly: true}, log)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return &Store{Store: s}, nil
}

// pageSize is the page size of a new database. Every commit writes each
// page it changed whole to the WAL, and a command changes one or two rows
// of a dozen tables and indexes: smaller pages write fewer bytes for the
// same rows. 4 KiB (SQLite's default) wrote about 100 KB per command.
const pageSize = 1024

// setPageSize gives a new, empty database file pageSize pages; SQLite fixes
// the page size when the first table is created, and a database in WAL
// mode keeps it. An existing database keeps the page size it has.
func setPageSize(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	if err != nil || fi.Size() > 0 {
		return err
	}
	db, err := sql.Open("sqlite", dsn(path, "_pragma=busy_timeout(5000)"))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d; PRAGMA journal_mode = WAL", pageSize))
	return err
}

// dsn builds a file: URI; %, ? and # in the path are escaped so that they
// stay part of the name.
func dsn(path string, params ...string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	return "file:" + esc + "?" + strings.Join(params, "&")
}

func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
