package main

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the "sqlite" driver, as storage/sqlite uses it
)

// tableBytes is a SQLite database's size by table, each table's indexes
// counted with it (dbstat's pages, after the WAL is checkpointed into the
// file), and the free pages under "(free)". Unlike the files' sizes it
// does not depend on how much WAL the process left behind.
type tableBytes map[string]int64

// dbstatTables checkpoints the database in dir, which no process has
// open, into its file and reads its size by table.
func dbstatTables(b *testing.B, dir string) tableBytes {
	b.Helper()
	db, err := sql.Open("sqlite", sqliteURI(filepath.Join(dir, "warroom.db"), "_pragma=busy_timeout(10000)"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	rows, err := db.Query(`SELECT COALESCE(s.tbl_name, d.name), sum(d.pgsize)
		FROM dbstat d LEFT JOIN sqlite_schema s ON s.name = d.name GROUP BY 1`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	out := tableBytes{}
	for rows.Next() {
		var (
			name string
			n    int64
		)
		if err := rows.Scan(&name, &n); err != nil {
			b.Fatal(err)
		}
		out[name] = n
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	var free, size int64
	if err := db.QueryRow(`SELECT freelist_count, page_size FROM pragma_freelist_count, pragma_page_size`).Scan(&free, &size); err != nil {
		b.Fatal(err)
	}
	out["(free)"] = free * size
	return out
}

// total is the database's size.
func (t tableBytes) total() int64 {
	var n int64
	for _, v := range t {
		n += v
	}
	return n
}

// report reports what t holds beyond empty, per incident, as metrics
// (stored-B/incident, used-B/incident without the free pages, and
// TABLE-B/incident for each table that grew) and logs it as a table.
func (t tableBytes) report(b *testing.B, empty tableBytes, incidents int) {
	b.Helper()
	per := func(n int64) float64 { return float64(n) / float64(incidents) }
	b.ReportMetric(per(t.total()-empty.total()), "stored-B/incident")
	b.ReportMetric(per(t.total()-t["(free)"]-empty.total()+empty["(free)"]), "used-B/incident")
	names := make([]string, 0, len(t))
	for name := range t {
		if t[name] != empty[name] {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var log strings.Builder
	for _, name := range names {
		b.ReportMetric(per(t[name]-empty[name]), name+"-B/incident")
		fmt.Fprintf(&log, "\n%-24s %8.1f", name, per(t[name]-empty[name]))
	}
	b.Logf("bytes per incident by table (dbstat, indexes with their table):%s", log.String())
}
