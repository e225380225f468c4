package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/storetest"
)

// Migration 29: incidents written under schema 28 are found by the list's
// severity and status filters and counted open by the KPIs as before.
func TestMigration29FindsIncidents(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	s := open(t, path)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Rows as schema 28 wrote them, in its indexes.
	storetest.ExecAll(t, "sqlite", path, append(storetest.UndoFrom(undo, 29),
		storetest.Q(`INSERT INTO counters (name, value) VALUES ('incident', 4) ON CONFLICT (name) DO UPDATE SET value = 4`),
		storetest.Q(`INSERT INTO incidents (number, title, source, severity, status, started_at, declared_at, acknowledged_at, resolved_at, closed_at, updated_at, version) VALUES
			(1, 'one', 'manual', 1, 'triggered', 1, 1, NULL, NULL, NULL, 1, 1),
			(2, 'two', 'manual', 2, 'acknowledged', 2, 2, 3, NULL, NULL, 3, 2),
			(3, 'three', 'manual', 1, 'resolved', 3, 3, 4, 5, NULL, 5, 3),
			(4, 'four', 'manual', 1, 'closed', 4, 4, 5, 6, 7, 7, 4)`))...)
	s = open(t, path)
	for _, c := range []struct {
		q    bot.IncidentQuery
		want []int64
	}{
		{bot.IncidentQuery{Severities: []bot.Severity{bot.SEV1}, Limit: 10}, []int64{1, 3, 4}},
		{bot.IncidentQuery{Severities: []bot.Severity{bot.SEV1}, Statuses: []bot.Status{bot.StatusTriggered}, Limit: 10}, []int64{1}},
		{bot.IncidentQuery{Severities: []bot.Severity{bot.SEV1}, Statuses: []bot.Status{bot.StatusClosed}, Limit: 10}, []int64{4}},
		{bot.IncidentQuery{Statuses: []bot.Status{bot.StatusTriggered, bot.StatusAcknowledged, bot.StatusResolved}, Limit: 10}, []int64{1, 2, 3}},
	} {
		page, err := s.SearchIncidents(ctx, c.q)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, inc := range page.Incidents {
			got = append(got, inc.Number)
		}
		if len(got) != len(c.want) || page.Total != int64(len(c.want)) {
			t.Errorf("%v %v: %v (total %d), want %v", c.q.Severities, c.q.Statuses, got, page.Total, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%v %v: %v, want %v", c.q.Severities, c.q.Statuses, got, c.want)
				break
			}
		}
	}
	agg, err := s.KPIExtras(ctx, bot.KPIQuery{From: time.Unix(0, 0), To: time.Unix(100, 0), Now: time.Unix(100, 0)})
	if err != nil {
		t.Fatal(err)
	}
	open := map[bot.Severity]int64{}
	for _, a := range agg.Open {
		open[a.Severity] += a.N
	}
	if open[bot.SEV1] != 1 || open[bot.SEV2] != 1 || len(open) != 2 {
		t.Errorf("open incidents by severity = %v, want one SEV1 and one SEV2", open)
	}
}
