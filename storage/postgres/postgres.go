// Package postgres is warroom's shared store for several replicas: bot.Store
// on PostgreSQL through pgx's database/sql driver. Incidents are locked with
// SELECT ... FOR NO KEY UPDATE, outbox claims skip rows another replica holds
// (FOR UPDATE SKIP LOCKED), migrations run under an advisory lock, and
// TryLead elects one replica for singleton work.
//
// It imports bot, storage/internal/sqlstore and pgx.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/warroom/warroom/storage/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrSchemaNewer is wrapped when the database was migrated by a newer warroom.
var ErrSchemaNewer = sqlstore.ErrSchemaNewer

// Config says which database to use.
type Config struct {
	DSN      string // postgres://user:pass@host:5432/db?sslmode=disable (or key=value form)
	MaxConns int    // connections of each pool (transactions, reads); 0: 10
	// ReadOnly migrates nothing and runs every transaction read-only; the
	// schema must be current already.
	ReadOnly bool
	// GroupCommit makes concurrent transactions share one transaction on
	// one connection, each in a savepoint (storage/internal/sqlstore's
	// groupcommit.go), as on SQLite. Off by default: PostgreSQL already
	// lets concurrent commits share a WAL flush (a committing backend
	// flushes every commit record written before it), and transactions on
	// connections of their own run in parallel, where a group runs its
	// calls' statements one round trip after another.
	GroupCommit bool
	// AsyncCommit sets synchronous_commit = off on every connection: a
	// commit is acknowledged before its WAL is flushed, as SQLite's
	// synchronous=NORMAL, so it survives a crash of this process but not
	// of the server or its machine (README, db_synchronous_commit). Off by
	// default: the server's own setting decides.
	AsyncCommit bool
}

// Store is bot.Store on PostgreSQL.
type Store struct {
	*sqlstore.Store
	db  *sql.DB
	log *slog.Logger
}

var dialect = sqlstore.Dialect{
	Name: "postgres",
	// The row lock UPDATE itself takes: it serialises LockIncident callers
	// like FOR UPDATE, but lets other transactions insert rows that refer
	// to the incident (their foreign-key checks take KEY SHARE).
	ForUpdate:         "FOR NO KEY UPDATE",
	SkipLocked:        "FOR UPDATE SKIP LOCKED",
	CoalesceConflict:  "ON CONFLICT (coalesce_key) WHERE status = 'pending' AND coalesce_key IS NOT NULL DO NOTHING",
	MigrationLock:     fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", lockKey("migrate")),
	IsUniqueViolation: isUniqueViolation,
	TitleMatch:        sqlstore.PostgresTitleMatch,
	FieldValue:        func(col, param string) string { return "(" + col + "::jsonb ->> " + param + ")" },
	GroupLock:         "SELECT pg_advisory_xact_lock(hashtextextended('warroom:alert-group:' || $1, 0))",
	Bytewise:          ` COLLATE "C"`,
	ResetIdentity:     `SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), MAX(id)) FROM %[1]s HAVING MAX(id) IS NOT NULL`,
	// An update writes a new row version whatever the body's size, so a
	// message is saved in one round trip, not four (BEGIN, the stored
	// size, the write, COMMIT).
	UpsertMessages: true,
	// Declares at once do not queue on the counters row's lock (schema 34).
	NextNumber: `SELECT nextval('incident_numbers')`,
	AdvanceNumber: `WITH c AS (UPDATE counters SET value = GREATEST(value, $1) WHERE name = 'incident')
	SELECT setval('incident_numbers', $1) FROM incident_numbers WHERE $1 > 0 AND (NOT is_called OR last_value < $1)`,
}

// Open connects and applies pending migrations.
//
// It opens two pools of cfg.MaxConns connections each: one for
// transactions and writes, one for reads. A transaction that reads
// outside itself while it holds its connection (the postmortem draft
// reads the timeline during a resolve) then never waits for a connection
// that only another such transaction could give back: on one shared pool,
// as many resolves at once as connections waited for each other until
// their deadline.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Store, error) {
	if cfg.DSN == "" {
		return nil, errors.New("open postgres: empty DSN")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	migs, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	dsn := cfg.DSN
	if cfg.ReadOnly {
		dsn = withParam(dsn, "default_transaction_read_only=on")
	}
	if cfg.AsyncCommit {
		dsn = withParam(dsn, "synchronous_commit=off")
	}
	w, err := openPool(ctx, dsn, cfg.MaxConns)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	r, err := openPool(ctx, dsn, cfg.MaxConns)
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	d := dialect
	d.GroupCommit = cfg.GroupCommit
	s, err := sqlstore.Open(ctx, sqlstore.Config{Writer: w, Reader: r, Dialect: d, Migrations: migs, ReadOnly: cfg.ReadOnly}, log)
	if err != nil {
		_ = r.Close()
		_ = w.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return &Store{Store: s, db: w, log: log}, nil
}

// openPool opens a pool of at most conns connections (0: 10) and checks
// that the server answers. Its plain transactions send BEGIN with their
// first statement (lazybegin.go).
func openPool(ctx context.Context, dsn string, conns int) (*sql.DB, error) {
	if conns <= 0 {
		conns = 10
	}
	cc, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(lazyConnector{stdlib.GetConnector(*cc)})
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// withParam sets a run-time parameter (name=value) on every session of dsn.
func withParam(dsn, opt string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if strings.Contains(dsn, "?") {
			return dsn + "&" + opt
		}
		return dsn + "?" + opt
	}
	return dsn + " " + opt
}

func isUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// lockKey names an advisory lock: a 64-bit hash of "warroom:" + name.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("warroom:" + name))
	return int64(h.Sum64())
}
