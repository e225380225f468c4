package main

import (
	"github.com/warroom/warroom/internal/testkit"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create a scratch schema
)

func TestPostgres(t *testing.T) {
	dsn := testkit.PostgresSchema(t)
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
