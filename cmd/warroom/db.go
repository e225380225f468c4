package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // the "sqlite" driver, as storage/sqlite uses it
)

// dbBackup runs `warroom db backup FILE`: an online, consistent copy of the
// SQLite database (VACUUM INTO reads one snapshot while the server keeps
// writing), then PRAGMA integrity_check on the copy.
func (c *cli) dbBackup(ctx context.Context, args []string) int {
	fs := c.flags("warroom db backup")
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return flagExit(err)
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprintln(c.stderr, "usage: warroom db backup [--config FILE] BACKUP.db")
		return exitUsage
	}
	target := files[0]
	cfg, ok := c.load("db backup")
	if !ok {
		return exitError
	}
	if cfg.DB.IsPostgres() {
		fmt.Fprintln(c.stderr, "warroom db backup: the database is PostgreSQL: back it up with pg_dump (README: Backup and restore)")
		return exitUsage
	}
	src := cfg.DB.Reveal()
	if _, err := os.Stat(src); err != nil {
		fmt.Fprintf(c.stderr, "warroom db backup: no database at %s: %v\n", src, err)
		return fileExit(err)
	}
	if _, err := os.Stat(target); err == nil {
		fmt.Fprintf(c.stderr, "warroom db backup: %s exists; name a new file\n", target)
		return exitError
	}
	if err := backupSQLite(ctx, src, target); err != nil {
		_ = os.Remove(target)
		fmt.Fprintf(c.stderr, "warroom db backup: %v\n", err)
		return exitError
	}
	fmt.Fprintf(c.stdout, "backed up %s to %s (integrity_check: ok)\n", src, target)
	return exitOK
}

// backupSQLite copies src to the new file target with VACUUM INTO and
// checks the copy.
func backupSQLite(ctx context.Context, src, target string) error {
	abs, err := filepath.Abs(target)
	if err != nil {
		return err
	}
	db, err := sql.Open("sqlite", sqliteURI(src, "mode=ro&_pragma=busy_timeout(10000)"))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		return fmt.Errorf("vacuum into %s: %w", target, err)
	}
	return integrityCheck(ctx, abs)
}

// integrityCheck runs PRAGMA integrity_check on the SQLite file path.
func integrityCheck(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", sqliteURI(path, "mode=ro"))
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("integrity_check %s: %w", path, err)
	}
	if res != "ok" {
		return errors.New("integrity_check of the copy: " + res)
	}
	return nil
}

// sqliteURI is a file: URI for path with the query, path characters escaped.
func sqliteURI(path, query string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + query
}
