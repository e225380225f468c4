package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// TitleIndexBackfill checks that migration 19 indexes the titles of the
// incidents a database held before it: open returns a store on the
// database (migrating it), rewind undoes migration 19 on it, as a database
// of the version before would be.
func TitleIndexBackfill(t *testing.T, open func() bot.Store, rewind func()) {
	t.Helper()
	s := open()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	a := kinc(bot.SEV2, "api", t0, 0, -1, -1)
	a.Title = "Checkout latency above SLO"
	b := kinc(bot.SEV1, "db", t0.Add(time.Hour), 0, -1, -1)
	b.Title, b.Private = "Replica lag", true
	create(t, s, a, b)
	closeStore(t, s)
	rewind()
	s = open()
	for text, want := range map[string][]int64{"checkout": {a.Number}, "replica lag": {b.Number}, "SLO": {a.Number}} {
		page, err := s.(bot.IncidentSearcher).SearchIncidents(context.Background(), bot.IncidentQuery{Text: text, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, inc := range page.Incidents {
			got = append(got, inc.Number)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q after the migration: %v, want %v", text, got, want)
		}
	}
	page, err := s.(bot.IncidentSearcher).SearchIncidents(context.Background(), bot.IncidentQuery{PrivateOnly: true, Limit: 10})
	if err != nil || len(page.Incidents) != 1 || page.Incidents[0].Number != b.Number {
		t.Errorf("private incidents after the migration: %+v %v", page, err)
	}
}

// Stmt is one statement of a migration test's hand-made rewind.
type Stmt struct {
	SQL  string
	Args []any
}

// ExecAll runs stmts on the database driver opens at dsn, outside the
// store (the test's package registers the driver).
func ExecAll(t *testing.T, driver, dsn string, stmts ...Stmt) {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q.SQL, q.Args...); err != nil {
			t.Fatalf("%s: %v", q.SQL, err)
		}
	}
}

// Q is a Stmt.
func Q(sql string, args ...any) Stmt { return Stmt{SQL: sql, Args: args} }

// UndoFrom returns the statements that undo migration v and every later
// one, newest first, and forget them in schema_migrations. undo holds,
// per migration, the statements that take a database back to the schema
// before it (each dialect's migration tests keep theirs), so that a
// migration's backfill can be tested on a database that has rows.
func UndoFrom(undo map[int][]string, v int) []Stmt {
	var stmts []Stmt
	for _, k := range slices.Backward(slices.Sorted(maps.Keys(undo))) {
		if k >= v {
			for _, q := range undo[k] {
				stmts = append(stmts, Q(q))
			}
		}
	}
	return append(stmts, Q(fmt.Sprintf(`DELETE FROM schema_migrations WHERE version >= %d`, v)))
}
