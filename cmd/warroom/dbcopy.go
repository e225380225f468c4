package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/warroom/warroom/storage/postgres"
	"github.com/warroom/warroom/storage/sqlite"
)

// dbCopy runs `warroom db copy --to postgres://…`: the configured SQLite
// database, every table of it, into a PostgreSQL database that is new or
// empty (README: Moving to PostgreSQL).
func (c *cli) dbCopy(ctx context.Context, args []string) int {
	fs := c.flags("warroom db copy")
	to := fs.String("to", "", "the PostgreSQL `URL` to copy into (postgres://user@host:5432/db?sslmode=…)")
	force := fs.Bool("force-empty", false, "empty a target that already holds warroom data before copying (its rows are lost)")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "warroom db copy: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if !strings.HasPrefix(*to, "postgres://") && !strings.HasPrefix(*to, "postgresql://") {
		fmt.Fprintln(c.stderr, "usage: warroom db copy [--config FILE] [--force-empty] --to postgres://USER@HOST:5432/DB")
		return exitUsage
	}
	cfg, ok := c.load("db copy")
	if !ok {
		return exitError
	}
	if cfg.DB.IsPostgres() {
		fmt.Fprintln(c.stderr, "warroom db copy: the configured database is PostgreSQL already; the source must be a SQLite file")
		return exitUsage
	}
	src := cfg.DB.Reveal()
	if _, err := os.Stat(src); err != nil {
		fmt.Fprintf(c.stderr, "warroom db copy: no database at %s: %v\n", src, err)
		return fileExit(err)
	}
	counts, err := copyToPostgres(ctx, src, *to, *force)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom db copy: %v\n", err)
		if errors.Is(err, errTargetNotEmpty) {
			return exitUsage
		}
		return exitError
	}
	for _, tc := range counts {
		fmt.Fprintf(c.stdout, "%-22s %8d rows\n", tc.table, tc.rows)
	}
	fmt.Fprintf(c.stdout, "copied %s to %s: row counts verified in %d tables\n", src, redactDSN(*to), len(counts))
	return exitOK
}

// errTargetNotEmpty is returned when the target holds warroom data and
// --force-empty was not given.
var errTargetNotEmpty = errors.New("the target database holds warroom data")

type tableCount struct {
	table string
	rows  int64
}

// copyToPostgres copies the SQLite database at src into the PostgreSQL
// database dsn, migrating it first, in one transaction on each side, and
// returns the verified row count of every table.
func copyToPostgres(ctx context.Context, src, dsn string, forceEmpty bool) ([]tableCount, error) {
	// The source must be at this release's schema: `warroom migrate` first.
	ro, err := sqlite.Open(ctx, sqlite.Config{Path: src, ReadOnly: true}, nil)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	_ = ro.Close()
	from, err := sql.Open("sqlite", sqliteURI(src, "mode=ro&_pragma=busy_timeout(10000)"))
	if err != nil {
		return nil, err
	}
	defer from.Close()
	from.SetMaxOpenConns(1)

	pg, err := postgres.Open(ctx, postgres.Config{DSN: dsn, MaxConns: 2}, nil)
	if err != nil {
		return nil, fmt.Errorf("target: %s", strings.ReplaceAll(err.Error(), dsn, redactDSN(dsn)))
	}
	defer pg.Close()

	stx, err := from.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // one snapshot of the source
	if err != nil {
		return nil, err
	}
	defer func() { _ = stx.Rollback() }()
	tables, err := sqliteTables(ctx, stx)
	if err != nil {
		return nil, err
	}
	ttx, err := pg.DB().BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = ttx.Rollback() }()
	if err := lockTables(ctx, ttx, tables); err != nil {
		return nil, err
	}
	if err := ensureEmpty(ctx, ttx, tables, forceEmpty); err != nil {
		return nil, err
	}
	var counts []tableCount
	for _, t := range tables {
		n, err := copyTable(ctx, stx, ttx, t)
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", t.name, err)
		}
		counts = append(counts, tableCount{t.name, n})
	}
	if err := resetIdentities(ctx, stx, ttx, tables); err != nil {
		return nil, err
	}
	if err := verifyCounts(ctx, ttx, counts); err != nil {
		return nil, err
	}
	if err := ttx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return counts, nil
}

// lockTables keeps every other writer out of the target while it copies.
func lockTables(ctx context.Context, tx *sql.Tx, tables []dbTable) error {
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = quoteIdent(t.name)
	}
	if _, err := tx.ExecContext(ctx, "LOCK TABLE "+strings.Join(names, ", ")+" IN EXCLUSIVE MODE"); err != nil {
		return fmt.Errorf("target: lock tables: %w", err)
	}
	return nil
}

// ensureEmpty refuses a target that holds any row other than the zero
// counters a fresh migration seeds; with force it deletes every row.
func ensureEmpty(ctx context.Context, tx *sql.Tx, tables []dbTable, force bool) error {
	var held []string
	for _, t := range tables {
		q := "SELECT COUNT(*) FROM " + quoteIdent(t.name)
		if t.name == "counters" {
			q += " WHERE value <> 0"
		}
		var n int64
		if err := tx.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return fmt.Errorf("target: count %s: %w", t.name, err)
		}
		if n > 0 {
			held = append(held, fmt.Sprintf("%s (%d)", t.name, n))
		}
	}
	if len(held) > 0 && !force {
		return fmt.Errorf("%w: %s; copy into a new database, or pass --force-empty to delete those rows first",
			errTargetNotEmpty, strings.Join(held, ", "))
	}
	for i := len(tables) - 1; i >= 0; i-- { // referring tables first
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+quoteIdent(tables[i].name)); err != nil {
			return fmt.Errorf("target: empty %s: %w", tables[i].name, err)
		}
	}
	return nil
}

// verifyCounts compares the rows now in the target with those copied.
func verifyCounts(ctx context.Context, tx *sql.Tx, counts []tableCount) error {
	var bad []string
	for _, tc := range counts {
		var n int64
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteIdent(tc.table)).Scan(&n); err != nil {
			return fmt.Errorf("verify %s: %w", tc.table, err)
		}
		if n != tc.rows {
			bad = append(bad, fmt.Sprintf("%s: %d in SQLite, %d in PostgreSQL", tc.table, tc.rows, n))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("row counts differ, nothing was committed: %s", strings.Join(bad, "; "))
	}
	return nil
}

// redactDSN hides the password of a postgres:// URL.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the target"
	}
	return u.Redacted()
}

// quoteIdent quotes a table or column name for either database.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
