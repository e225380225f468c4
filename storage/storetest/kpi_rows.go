package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// testKPIRowsOpenAndResolved: KPIRows hands over every incident of the
// period once, in each of its column sets, whether resolved (SQLite reads
// those from incidents_kpi, schema 42) or not (read apart): a pair with
// both, a pair with open incidents only, one reopened (its resolution time
// cleared) and one resolved after being open; rows of a pair arrive
// together.
func testKPIRowsOpenAndResolved(t *testing.T, s, _ bot.Store) {
	ctx := context.Background()
	const m, h = time.Minute, time.Hour
	incs := []*bot.Incident{
		kinc(bot.SEV1, "api", at(h), 2*m, 3*m, 2*h),         // resolved
		kinc(bot.SEV2, "api", at(2*h), 0, 5*m, -1),          // acknowledged, open
		kinc(bot.SEV3, "only-open", at(3*h), m, -1, -1),     // triggered, its pair's only incident
		kinc(bot.SEV2, "reopened", at(4*h), 0, 4*m, h),      // reopened below
		kinc(bot.SEV1, "resolved-late", at(5*h), 0, -1, -1), // resolved below
		kinc(bot.SEV1, "api", at(-h), 0, m, h),              // before the period
		kinc(bot.SEV2, "only-open", at(30*h), 0, -1, -1),    // after it
	}
	incs[2].Source = "grafana"
	create(t, s, incs...)
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for i, move := range map[int]func(inc *bot.Incident){
			3: func(inc *bot.Incident) { inc.Status, inc.ResolvedAt = bot.StatusInvestigating, nil },
			4: func(inc *bot.Incident) {
				inc.Status, inc.AcknowledgedAt, inc.ResolvedAt = bot.StatusClosed, ptr(at(5*h+m)), ptr(at(6*h))
				inc.ClosedAt = ptr(at(7 * h))
			},
		} {
			inc, err := tx.LockIncident(ctx, incs[i].Number)
			if err != nil {
				return err
			}
			move(inc)
			if err := tx.UpdateIncident(ctx, inc); err != nil {
				return err
			}
			*incs[i] = *inc
		}
		return nil
	})
	base := bot.KPIQuery{From: t0, To: at(24 * h), Now: at(24 * h)}
	for _, tc := range []struct {
		name string
		mod  func(q *bot.KPIQuery)
		row  func(inc *bot.Incident) bot.KPIRow
	}{
		{"rows", func(*bot.KPIQuery) {}, func(inc *bot.Incident) bot.KPIRow {
			return bot.KPIRow{Severity: inc.Severity, Service: inc.Service, Source: inc.Source, StartedAt: inc.StartedAt,
				DeclaredAt: inc.DeclaredAt, AcknowledgedAt: val(inc.AcknowledgedAt), ResolvedAt: val(inc.ResolvedAt)}
		}},
		{"numbers", func(q *bot.KPIQuery) { q.Numbers = true }, func(inc *bot.Incident) bot.KPIRow {
			return bot.KPIRow{Severity: inc.Severity, Service: inc.Service, Source: inc.Source, StartedAt: inc.StartedAt,
				DeclaredAt: inc.DeclaredAt, AcknowledgedAt: val(inc.AcknowledgedAt), ResolvedAt: val(inc.ResolvedAt), Number: inc.Number}
		}},
		{"tiles", func(q *bot.KPIQuery) { q.Tiles, q.Numbers = true, true }, func(inc *bot.Incident) bot.KPIRow {
			return bot.KPIRow{Severity: inc.Severity, Service: inc.Service, Source: inc.Source,
				DeclaredAt: inc.DeclaredAt, AcknowledgedAt: val(inc.AcknowledgedAt), ResolvedAt: val(inc.ResolvedAt), Number: inc.Number}
		}},
		{"counts and numbers", func(q *bot.KPIQuery) { q.CountsOnly, q.Numbers = true, true }, func(inc *bot.Incident) bot.KPIRow {
			return bot.KPIRow{Severity: inc.Severity, Service: inc.Service, Source: inc.Source, DeclaredAt: inc.DeclaredAt, Number: inc.Number}
		}},
		{"SEV1 and SEV3", func(q *bot.KPIQuery) { q.Severities = []bot.Severity{bot.SEV1, bot.SEV3} }, func(inc *bot.Incident) bot.KPIRow {
			if inc.Severity == bot.SEV2 {
				return bot.KPIRow{}
			}
			return bot.KPIRow{Severity: inc.Severity, Service: inc.Service, Source: inc.Source, StartedAt: inc.StartedAt,
				DeclaredAt: inc.DeclaredAt, AcknowledgedAt: val(inc.AcknowledgedAt), ResolvedAt: val(inc.ResolvedAt)}
		}},
		{"one service", func(q *bot.KPIQuery) { q.Services = []string{"only-open"} }, func(inc *bot.Incident) bot.KPIRow {
			if inc.Service != "only-open" {
				return bot.KPIRow{}
			}
			return bot.KPIRow{Severity: inc.Severity, Service: inc.Service, Source: inc.Source, StartedAt: inc.StartedAt,
				DeclaredAt: inc.DeclaredAt, AcknowledgedAt: val(inc.AcknowledgedAt), ResolvedAt: val(inc.ResolvedAt)}
		}},
	} {
		q := base
		tc.mod(&q)
		var got []bot.KPIRow
		if err := s.KPIRows(ctx, q, func(r *bot.KPIRow) error { got = append(got, *r); return nil }); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		seen := map[[2]string]bool{}
		for i, r := range got {
			p := [2]string{r.Service, r.Source}
			if seen[p] && (got[i-1].Service != r.Service || got[i-1].Source != r.Source) {
				t.Errorf("%s: the rows of %v do not arrive together: %+v", tc.name, p, got)
			}
			seen[p] = true
		}
		var want []bot.KPIRow
		for _, inc := range incs[:5] {
			if r := tc.row(inc); r != (bot.KPIRow{}) {
				want = append(want, r)
			}
		}
		sortRows(got)
		sortRows(want)
		diff(t, tc.name, want, got)
	}
}

func val(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
