package postgres_test

import (
	"context"
	"testing"

	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/postgres"
)

// AsyncCommit sets synchronous_commit = off on the store's connections;
// without it the server's own setting stays.
func TestAsyncCommit(t *testing.T) {
	ctx := context.Background()
	dsn := testkit.PostgresSchema(t)
	setting := func(s *postgres.Store) string {
		t.Helper()
		var v string
		if err := s.DB().QueryRowContext(ctx, "SHOW synchronous_commit").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	plain := open(t, dsn)
	server := setting(plain)
	if server == "off" {
		t.Skip("the server's synchronous_commit is off already")
	}
	async, err := postgres.Open(ctx, postgres.Config{DSN: dsn, AsyncCommit: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer async.Close()
	if got := setting(async); got != "off" {
		t.Errorf("synchronous_commit with AsyncCommit = %q, want off", got)
	}
	if got := setting(plain); got != server {
		t.Errorf("synchronous_commit without AsyncCommit = %q, want the server's %q", got, server)
	}
}
