package postgres_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/storetest"
)

// BenchmarkListFirstPage times the incident list's first page with each
// kind of filter over WARROOM_BENCH_N generated incidents (default 20,000;
// BENCHMARKS.md reports 1,000,000):
//
//	WARROOM_BENCH_N=1000000 WARROOM_TEST_POSTGRES=... go test -run '^$' -bench ListFirstPage -benchtime 20x ./storage/postgres/
func BenchmarkListFirstPage(b *testing.B) {
	dsn := testkit.PostgresSchema(b)
	s := open(b, dsn)
	storetest.FillIncidents(b, s, storetest.BenchN())
	// As autovacuum would soon after a bulk load: the planner needs the
	// table's statistics, the title index its pending entries merged.
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), "VACUUM ANALYZE incidents"); err != nil {
		b.Fatal(err)
	}
	storetest.BenchSearch(b, s)
}
