package history_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/warroom/warroom/bot/history"
	"github.com/warroom/warroom/internal/testkit"
)

// BenchmarkBundle exports a history of 20,000 incidents as a bundle and
// imports it into a new SQLite database, reporting rows a second.
func BenchmarkBundle(b *testing.B) {
	const n = 20000
	src := testkit.OpenStore(b, "", nil)
	testkit.ImportHistory(b, src, testkit.History(n, testkit.Start.Add(-90*24*time.Hour), testkit.Start, 1))
	var out bytes.Buffer
	if _, err := history.ExportBundle(b.Context(), src, &out, history.BundleOptions{}); err != nil {
		b.Fatal(err)
	}
	bundle := out.Bytes()
	b.Run("export", func(b *testing.B) {
		for b.Loop() {
			out.Reset()
			if _, err := history.ExportBundle(b.Context(), src, &out, history.BundleOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("import", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			dst := testkit.OpenStore(b, "", nil)
			b.StartTimer()
			if _, err := history.ImportBundle(b.Context(), dst, bytes.NewReader(bundle), history.BundleOptions{Name: "bench"}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
