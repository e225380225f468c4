package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create a scratch schema
)

// postgresDSN returns WARROOM_TEST_POSTGRES pointed at a fresh schema that
// is dropped after the test, or skips when the variable is empty.
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("WARROOM_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("WARROOM_TEST_POSTGRES is empty: set it to a PostgreSQL URL to run this test")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema := fmt.Sprintf("warroom_cmd_test_%d", rand.Uint32())
	if _, err := db.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestPostgres(t *testing.T) {
	dsn := postgresDSN(t)
	code, stdout, stderr := runCLI(t, env("WARROOM_DB", dsn), "migrate")
	if code != 0 || !strings.Contains(stdout, "schema version") {
		t.Fatalf("migrate = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	r := startApp(t, "WARROOM_DB", dsn)
	for _, text := range []string{"/incident declare sev1 Primary database down", "/incident ack INC-1", "/incident resolve INC-1 failed over"} {
		if code, body := r.command(t, text); code != 200 {
			t.Fatalf("%s: %d %s", text, code, body)
		}
	}
	if code, body := r.do(t, "GET", "/readyz", "", nil); code != 200 {
		t.Errorf("/readyz = %d %s", code, body)
	}
}
