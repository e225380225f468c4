package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrSchemaNewer is wrapped by Open and Ping when the database was migrated
// by a newer warroom than this one.
var ErrSchemaNewer = errors.New("database schema is newer than this warroom")

type migration struct {
	version int64
	name    string
	sql     string
}

// loadMigrations reads NNNN_name.sql files, ordered by version.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	if fsys == nil {
		return nil, errors.New("load migrations: no migrations")
	}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	var out []migration
	seen := map[int64]string{}
	for _, name := range names {
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("load migrations: %s is not named NNNN_name.sql", name)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("load migrations: %s and %s share version %d", prev, name, v)
		}
		seen[v] = name
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("load migrations: %w", err)
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	if len(out) == 0 {
		return nil, errors.New("load migrations: no migrations")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

const qCreateMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version BIGINT PRIMARY KEY,
	applied_at BIGINT NOT NULL
)`

// migrate applies pending migrations, each in its own transaction, and
// refuses a database whose schema is newer than migs.
func migrate(ctx context.Context, db *sql.DB, d Dialect, migs []migration, log *slog.Logger) error {
	for {
		applied, err := migrateStep(ctx, db, d, migs)
		if err != nil {
			return err
		}
		if applied == nil {
			return nil
		}
		log.Info("applied database migration", "database", d.Name, "version", applied.version, "file", applied.name)
	}
}

// migrateStep applies the first pending migration, if any, in one
// transaction under the dialect's migration lock, and returns it.
func migrateStep(ctx context.Context, db *sql.DB, d Dialect, migs []migration) (*migration, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("migrate: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if d.MigrationLock != "" {
		if _, err := tx.ExecContext(ctx, d.MigrationLock); err != nil {
			return nil, fmt.Errorf("migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, qCreateMigrations); err != nil {
		return nil, fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	current, err := currentVersion(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	latest := migs[len(migs)-1].version
	if current > latest {
		return nil, newerError(current, latest)
	}
	var next *migration
	for i := range migs {
		if migs[i].version > current {
			next = &migs[i]
			break
		}
	}
	if next == nil {
		return nil, tx.Commit()
	}
	if _, err := tx.ExecContext(ctx, next.sql); err != nil {
		return nil, fmt.Errorf("migrate: apply %s: %w", next.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
		next.version, us(time.Now())); err != nil {
		return nil, fmt.Errorf("migrate: record %s: %w", next.name, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("migrate: commit %s: %w", next.name, err)
	}
	return next, nil
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// currentVersion is the newest applied migration, 0 for none.
func currentVersion(ctx context.Context, db queryRower) (int64, error) {
	var v int64
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

func newerError(current, latest int64) error {
	return &newerSchemaError{current: current, latest: latest}
}

// newerSchemaError says which versions met; errors.Is matches ErrSchemaNewer.
type newerSchemaError struct{ current, latest int64 }

func (e *newerSchemaError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this warroom knows (%d); upgrade warroom", e.current, e.latest)
}

func (e *newerSchemaError) Is(target error) bool { return target == ErrSchemaNewer }
