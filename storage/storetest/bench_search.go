package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// BenchN is how many incidents the benchmarks generate:
// WARROOM_BENCH_N, default 20,000 (BENCHMARKS.md reports 1,000,000).
func BenchN() int {
	if n, err := strconv.Atoi(os.Getenv("WARROOM_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 20000
}

// BenchEnd is when the generated history of FillIncidents ends.
var BenchEnd = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

// benchTitles are the titles FillIncidents draws from; each gets a
// host name ("node-1234", one of 5,000) appended.
var benchTitles = []string{
	"Checkout latency above SLO", "Payments gateway timeouts", "Certificate expiry on edge",
	"Disk almost full", "Replica lag above threshold", "Error rate spike after deploy",
	"Queue backlog growing", "DNS resolution failures", "Login page returns 502",
	"Memory leak in worker", "Cron job missed its window", "Search index stale",
	"CDN purge stuck", "Database connection pool exhausted", "Webhook deliveries failing",
	"Batch export slow", "Cache hit rate dropped", "Pod crash looping",
	"Third-party API rate limited", "Backup did not complete",
}

// FillIncidents imports n generated incidents spread over the year before
// BenchEnd (through ImportIncidents, the bulk path): four severities, 50
// services, the newest half percent still open.
func FillIncidents(tb testing.TB, s bot.Store, n int) {
	tb.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	span := int64(365 * 24 * time.Hour)
	i := 0
	_, _, err := s.ImportIncidents(context.Background(), func() (*bot.Incident, error) {
		if i == n {
			return nil, nil
		}
		i++
		decl := BenchEnd.Add(-time.Duration(span - int64(i)*(span/int64(n))))
		inc := &bot.Incident{Number: int64(i), Source: "alertmanager", Version: 1,
			Title:    fmt.Sprintf("%s (node-%d)", benchTitles[r.IntN(len(benchTitles))], r.IntN(5000)),
			Service:  fmt.Sprintf("svc-%d", r.IntN(50)),
			Severity: bot.Severity(1 + r.IntN(4)), Status: bot.StatusClosed,
			StartedAt: decl.Add(-time.Duration(r.IntN(600)) * time.Second), DeclaredAt: decl, UpdatedAt: decl}
		ack := decl.Add(time.Duration(30+r.IntN(3600)) * time.Second)
		res := ack.Add(time.Duration(600+r.IntN(36000)) * time.Second)
		inc.AcknowledgedAt = &ack
		if i > n-n/200 {
			inc.Status = bot.StatusInvestigating
		} else {
			closed := res.Add(time.Hour)
			inc.ResolvedAt, inc.ClosedAt = &res, &closed
		}
		return inc, nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchListQueries are the incident list's first pages the benchmarks
// time: newest first, as the list opens, with each kind of filter.
var BenchListQueries = []struct {
	Name string
	Q    bot.IncidentQuery
}{
	{"all", bot.IncidentQuery{}},
	{"open", bot.IncidentQuery{Statuses: bot.OpenStatuses}},
	{"severity+status", bot.IncidentQuery{Severities: []bot.Severity{bot.SEV1}, Statuses: []bot.Status{bot.StatusClosed}}},
	{"service", bot.IncidentQuery{Services: []string{"svc-7"}}},
	{"week", bot.IncidentQuery{From: BenchEnd.AddDate(0, -1, 0), To: BenchEnd.AddDate(0, -1, 7)}},
	{"text-rare", bot.IncidentQuery{Text: "node-4242"}},
	{"text-common", bot.IncidentQuery{Text: "latency"}},
	{"text-two-words", bot.IncidentQuery{Text: "certificate exp"}},
	{"text-none", bot.IncidentQuery{Text: "kubernetes"}},
	{"text+service", bot.IncidentQuery{Text: "dns", Services: []string{"svc-7"}}},
}

// BenchSearch times the first page of each of BenchListQueries on s.
func BenchSearch(b *testing.B, s bot.Store) {
	ctx := context.Background()
	for _, bq := range BenchListQueries {
		b.Run(bq.Name, func(b *testing.B) {
			q := bq.Q
			q.Limit, q.Sort, q.Desc = bot.DefaultPage, bot.SortNumber, true
			var page *bot.IncidentPage
			var err error
			for b.Loop() {
				if page, err = s.(bot.IncidentSearcher).SearchIncidents(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(page.Total), "matches")
		})
	}
}
