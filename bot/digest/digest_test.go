package digest_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
	"github.com/warroom/warroom/internal/testkit"
)

var t0 = time.Date(2026, 5, 4, 7, 0, 0, 0, time.UTC) // Monday 09:00 in Berlin

func ptr(t time.Time) *time.Time { return &t }

// memSource sums fixture incidents up in memory, as the stores do in SQL.
type memSource struct{ in kpi.Input }

func (m memSource) KPIRows(_ context.Context, q bot.KPIQuery, fn func(*bot.KPIRow) error) error {
	for _, inc := range m.in.Incidents {
		if inc.DeclaredAt.Before(q.From) || !inc.DeclaredAt.Before(q.To) || len(q.Severities) > 0 && !slices.Contains(q.Severities, inc.Severity) {
			continue
		}
		r := kpi.RowOf(inc)
		if err := fn(&r); err != nil {
			return err
		}
	}
	return nil
}

func (m memSource) KPIExtras(_ context.Context, q bot.KPIQuery) (*bot.KPIAggregates, error) {
	a := kpi.Aggregate(m.in, q)
	a.Groups, a.Durations, a.Series = nil, nil, nil
	return a, nil
}

func (m memSource) MaintenanceWindows(context.Context, bot.MaintenanceFilter) ([]bot.MaintenanceWindow, error) {
	return []bot.MaintenanceWindow{{StartsAt: t0.Add(-50 * time.Hour), EndsAt: t0.Add(-46 * time.Hour)}}, nil
}

func inc(n int64, sev bot.Severity, svc string, declared time.Time, ack, res time.Duration) *bot.Incident {
	i := &bot.Incident{Number: n, Severity: sev, Service: svc, Source: "manual", StartedAt: declared.Add(-2 * time.Minute),
		DeclaredAt: declared, Status: bot.StatusTriggered}
	if ack > 0 {
		i.AcknowledgedAt, i.Status = ptr(declared.Add(ack)), bot.StatusInvestigating
	}
	if res > 0 {
		i.ResolvedAt, i.Status = ptr(declared.Add(res)), bot.StatusResolved
	}
	return i
}

func fixture() memSource {
	h, m := time.Hour, time.Minute
	return memSource{kpi.Input{
		Incidents: []*bot.Incident{
			inc(1, bot.SEV1, "checkout", t0.Add(-6*24*h), 3*m, 2*h),
			inc(2, bot.SEV2, "checkout", t0.Add(-5*24*h), 20*m, 9*h),
			inc(3, bot.SEV2, "payments", t0.Add(-48*h), 5*m, 40*m), // in maintenance
			inc(4, bot.SEV3, "search", t0.Add(-30*h), 10*m, 3*h),
			inc(5, bot.SEV3, "checkout", t0.Add(-5*h), 0, 0),
			inc(6, bot.SEV4, "search", t0.Add(-9*24*h), h, 30*h), // previous week
			inc(7, bot.SEV2, "checkout", t0.Add(-10*24*h), 5*m, h),
		},
		Timelines: map[int64][]bot.Entry{2: {{Kind: bot.EntrySLABreached, Data: map[string]string{"sla": "update"}}}},
		Actions: []bot.ActionItem{
			{Status: bot.ActionOpen, CreatedAt: t0.Add(-4 * 24 * h), Due: ptr(t0.Add(-24 * h))},
			{Status: bot.ActionDone, CreatedAt: t0.Add(-4 * 24 * h), DoneAt: ptr(t0.Add(-2 * 24 * h))},
		},
		Alerts: []string{"HighLatency", "HighLatency", "DiskFull"},
	}}
}

func slas() map[bot.Severity]bot.SLA {
	s := bot.DefaultSLAs()
	v := s[bot.SEV2]
	v.UpdateCadence = time.Hour
	s[bot.SEV2] = v
	return s
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", name), got)
}

func berlin(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	return loc
}

func TestDigestGolden(t *testing.T) {
	loc := berlin(t)
	chart := func(d *digest.Digest) ([]byte, error) { return []byte("PNG"), nil }
	b := digest.NewBuilder(fixture(), slas(), chart)
	tests := []struct {
		name string
		o    digest.Options
	}{
		{"weekly", digest.Options{Period: 7 * kpi.Day, End: t0, Location: loc}},
		{"sev2-sla-only", digest.Options{Period: 7 * kpi.Day, End: t0, Location: loc, Severities: []bot.Severity{bot.SEV2},
			Sections: []string{digest.SectionSLA, digest.SectionActions}}},
		{"alltime", digest.Options{End: t0, Location: time.UTC, Sections: []string{digest.SectionSummary, digest.SectionSeverity}}},
		{"empty", digest.Options{Period: 7 * kpi.Day, End: t0.Add(-300 * 24 * time.Hour), Location: loc}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := b.Build(context.Background(), tc.o)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".md", []byte(digest.Markdown(d)))
			msg, err := json.MarshalIndent(digest.Message(d), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".json", append(msg, '\n'))
		})
	}
}

func TestParseSections(t *testing.T) {
	if s, err := digest.ParseSections(nil); err != nil || len(s) != len(digest.AllSections) {
		t.Errorf("ParseSections(nil) = %v, %v", s, err)
	}
	if _, err := digest.ParseSections([]string{"sla", "bogus"}); err == nil {
		t.Error("an unknown section was accepted")
	}
}
