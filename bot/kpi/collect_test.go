package kpi_test

import (
	"context"
	"github.com/warroom/warroom/internal/testkit"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/kpi"
)

// TestCollectMatchesAggregate sums the hand-computed fixture up from
// SQLite and in memory: the same report, but for percentiles, which the
// store keeps in histogram buckets (within 0.8%).
func TestCollectMatchesAggregate(t *testing.T) {
	in, q := fixture()
	ctx := context.Background()
	st := testkit.OpenStore(t, "", nil)
	err := st.InTx(ctx, func(tx bot.Tx) error {
		for _, inc := range in.Incidents {
			c := *inc
			c.Title, c.UpdatedAt, c.Version = "t", c.DeclaredAt, 1
			n, err := tx.NextIncidentNumber(ctx)
			if err != nil {
				return err
			}
			c.Number = n
			if err := tx.CreateIncident(ctx, &c); err != nil {
				return err
			}
			for _, e := range in.Timelines[inc.Number] {
				e.Incident, e.At, e.Actor, e.Text = n, c.DeclaredAt, "x", "x"
				if err := tx.AddEntry(ctx, &e); err != nil {
					return err
				}
			}
		}
		for i, a := range in.Actions {
			a.Incident, a.Seq, a.Title, a.Kind = 1, i+1, "a", bot.ActionCorrective
			if err := tx.AddAction(ctx, &a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	in.Alerts = nil // no alerts table rows in this test
	mem := kpi.Build(kpi.Aggregate(in, q), nil, q)
	agg, err := kpi.Collect(ctx, st, q)
	if err != nil {
		t.Fatal(err)
	}
	db := kpi.Build(agg, nil, q)
	if mem.Total != db.Total || mem.Reopened != db.Reopened || mem.InMaintenance != db.InMaintenance || mem.Actions != db.Actions {
		t.Errorf("totals differ: memory %+v\ndatabase %+v", mem, db)
	}
	for i := range mem.Severities {
		m, d := mem.Severities[i], db.Severities[i]
		if m.Count != d.Count || m.Ack != d.Ack || m.Resolve != d.Resolve || m.Update != d.Update {
			t.Errorf("%s: memory %+v, database %+v", m.Severity, m, d)
		}
		for _, pair := range [][2]kpi.Stats{{m.MTTA, d.MTTA}, {m.MTTR, d.MTTR}, {m.MTTD, d.MTTD}} {
			x, y := pair[0], pair[1]
			if x.N != y.N || x.Mean != y.Mean || !near(x.Median, y.Median) || !near(x.P90, y.P90) {
				t.Errorf("%s: memory %+v, database %+v", m.Severity, x, y)
			}
		}
	}
	if len(mem.Series) != len(db.Series) {
		t.Fatalf("series: %d vs %d buckets", len(mem.Series), len(db.Series))
	}
	for i := range mem.Series {
		if mem.Series[i].Resolved != db.Series[i].Resolved || mem.Series[i].MTTR != db.Series[i].MTTR {
			t.Errorf("bucket %d: %+v vs %+v", i, mem.Series[i], db.Series[i])
		}
	}
}

func near(a, b time.Duration) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= time.Second || float64(d) <= 0.008*float64(a)
}
