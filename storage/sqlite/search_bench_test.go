package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/storage/storetest"
)

// BenchmarkListFirstPage times the incident list's first page with each
// kind of filter over WARROOM_BENCH_N generated incidents (default 20,000;
// BENCHMARKS.md reports 1,000,000):
//
//	WARROOM_BENCH_N=1000000 go test -run '^$' -bench ListFirstPage -benchtime 20x ./storage/sqlite/
func BenchmarkListFirstPage(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "bench.db"))
	storetest.FillIncidents(b, s, storetest.BenchN())
	storetest.BenchSearch(b, s)
}
