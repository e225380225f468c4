package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

var _ bot.KPIMetricsReader = (*Store)(nil)

// bucketCase is a CASE expression giving the index of the first bound the
// duration expr is at or below (len(bounds) above the last, -1 for NULL).
func bucketCase(expr string, bounds []time.Duration) string {
	var b strings.Builder
	b.WriteString("CASE WHEN " + expr + " IS NULL THEN -1")
	for i, d := range bounds {
		b.WriteString(" WHEN " + expr + " <= " + litD(d) + " THEN " + strconv.Itoa(i))
	}
	b.WriteString(" ELSE " + strconv.Itoa(len(bounds)) + " END")
	return b.String()
}

// KPIMetrics sums every incident up by severity and status, with the MTTA
// and MTTR histograms, in one pass over the table, and counts SLA breaches
// from the timeline. The metrics collector caches the answer: a scrape
// never runs this.
func (s *Store) KPIMetrics(ctx context.Context) (*bot.KPIMetrics, error) {
	out := &bot.KPIMetrics{Incidents: map[bot.Severity]map[bot.Status]int64{}, MTTA: map[bot.Severity]*bot.KPIHistogram{},
		MTTR: map[bot.Severity]*bot.KPIHistogram{}, Breaches: map[bot.Severity]map[string]int64{}}
	ack, res := "(acknowledged_at - declared_at)", "(resolved_at - declared_at)"
	q := `SELECT severity, status, ` + bucketCase(ack, bot.MTTABuckets) + ` AS ab, ` + bucketCase(res, bot.MTTRBuckets) + ` AS rb,
	COUNT(*), COALESCE(SUM(` + ack + `), 0), COALESCE(SUM(` + res + `), 0)
	FROM incidents GROUP BY severity, status, ab, rb`
	hist := func(m map[bot.Severity]*bot.KPIHistogram, sev bot.Severity, n int) *bot.KPIHistogram {
		if m[sev] == nil {
			m[sev] = &bot.KPIHistogram{Counts: make([]uint64, n+1)}
		}
		return m[sev]
	}
	err := s.each(ctx, q, nil, func(r *sql.Rows) error {
		var sev, ab, rb, n, sumA, sumR int64
		var st string
		if err := r.Scan(&sev, &st, &ab, &rb, &n, &sumA, &sumR); err != nil {
			return err
		}
		sv := bot.Severity(sev)
		if out.Incidents[sv] == nil {
			out.Incidents[sv] = map[bot.Status]int64{}
		}
		out.Incidents[sv][bot.Status(st)] += n
		if ab >= 0 {
			h := hist(out.MTTA, sv, len(bot.MTTABuckets))
			h.Counts[ab] += uint64(n)
			h.Sum += float64(sumA) / 1e6
		}
		if rb >= 0 {
			h := hist(out.MTTR, sv, len(bot.MTTRBuckets))
			h.Counts[rb] += uint64(n)
			h.Sum += float64(sumR) / 1e6
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sum incidents up for metrics: %w", err)
	}
	// Every incident's breaches (incident_marks, migration 0025): one
	// row per incident and SLA, so a count.
	q = `SELECT i.severity, m.mark, COUNT(*) FROM incident_marks m JOIN incidents i ON i.number = m.incident
	WHERE m.mark <> 'reopened' GROUP BY i.severity, m.mark`
	err = s.each(ctx, q, nil, func(r *sql.Rows) error {
		var sev, n int64
		var name string
		if err := r.Scan(&sev, &name, &n); err != nil {
			return err
		}
		if name == "" {
			return nil
		}
		sv := bot.Severity(sev)
		if out.Breaches[sv] == nil {
			out.Breaches[sv] = map[string]int64{}
		}
		out.Breaches[sv][name] += n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count SLA breaches for metrics: %w", err)
	}
	return out, nil
}
