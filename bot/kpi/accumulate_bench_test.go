package kpi

import (
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// BenchmarkAccumulate sums rows up as Collect does (bucketed, with the
// chart series and the heatmap): the Go side of a period's insights,
// per row.
func BenchmarkAccumulate(b *testing.B) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Skip(err)
	}
	to := time.Date(2026, 11, 1, 0, 0, 0, 0, berlin)
	from := to.Add(-30 * Day)
	q := bot.KPIQuery{From: from, To: to, Now: to, SLAs: bot.DefaultSLAs(), Buckets: Buckets(from, to, berlin), Heatmap: berlin}
	rows := make([]bot.KPIRow, 100000)
	for i := range rows {
		decl := from.Add(time.Duration(i) * 30 * Day / time.Duration(len(rows)))
		rows[i] = bot.KPIRow{Severity: bot.Severity(1 + i%4), Service: "svc", Source: "alertmanager", StartedAt: decl.Add(-time.Duration(i%600) * time.Second),
			DeclaredAt: decl, AcknowledgedAt: decl.Add(time.Duration(30+i%3600) * time.Second), ResolvedAt: decl.Add(time.Duration(600+i%36000) * time.Second)}
	}
	b.ResetTimer()
	for range b.N {
		a := newAccumulator(q, true)
		for i := range rows {
			a.add(&rows[i])
		}
		a.finish()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rows)), "ns/row")
}
