package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
	"github.com/warroom/warroom/storage/sqlite"
)

// TestInsightsCandidatesFromKPIRows checks that the candidate problems a
// digest finds from the incidents its KPI passes read (and what those do
// not cover of the rule window) are those of RecurrenceRows, for periods
// shorter and longer than the window, custom ranges, all time, a time
// zone with DST and filters.
func TestInsightsCandidatesFromKPIRows(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(t.TempDir(), "w.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	end := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(3, 4))
	err = st.InTx(ctx, func(tx bot.Tx) error {
		p := &bot.Problem{Title: "known", Status: bot.ProblemOpen, CreatedAt: end, UpdatedAt: end, Version: 1}
		if p.Number, err = tx.NextProblemNumber(ctx); err != nil {
			return err
		}
		if err := tx.CreateProblem(ctx, p); err != nil {
			return err
		}
		for i := range 600 {
			decl := end.Add(-time.Duration(r.Int64N(int64(150*kpi.Day/time.Minute))) * time.Minute)
			inc := &bot.Incident{Title: "x", Source: []string{"manual", "alertmanager"}[r.IntN(2)], Service: fmt.Sprintf("svc-%d", r.IntN(12)),
				Severity: bot.Severity(1 + r.IntN(4)), Status: bot.StatusTriggered, StartedAt: decl, DeclaredAt: decl, UpdatedAt: decl,
				Version: 1, Private: r.IntN(7) == 0}
			if i%9 == 0 {
				inc.Service = ""
			}
			if inc.Number, err = tx.NextIncidentNumber(ctx); err != nil {
				return err
			}
			if err := tx.CreateIncident(ctx, inc); err != nil {
				return err
			}
			if r.IntN(8) == 0 {
				if _, err := tx.LinkProblem(ctx, &bot.ProblemLink{Problem: p.Number, Incident: inc.Number, LinkedAt: decl}); err != nil {
					return err
				}
			}
			for j := range r.IntN(3) {
				rule := fmt.Sprintf("Rule%d", r.IntN(6))
				a := &bot.Alert{Source: "alertmanager", Fingerprint: fmt.Sprintf("f%d-%d", i, j), Status: bot.AlertFiring, Title: rule,
					Rule: rule, StartsAt: decl, Incident: inc.Number}
				if _, err := tx.InsertAlert(ctx, a, decl); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	b := digest.NewBuilder(st, nil, nil)
	for _, c := range []struct {
		name string
		o    digest.Options
		rule bot.CandidateRule
	}{
		{"30d", digest.Options{Period: 30 * kpi.Day, FullPrevious: true}, bot.CandidateRule{}},
		{"7d, window 30d", digest.Options{Period: 7 * kpi.Day, FullPrevious: true}, bot.CandidateRule{Count: 4, Window: 30 * kpi.Day}},
		{"90d, window 10d", digest.Options{Period: 90 * kpi.Day}, bot.CandidateRule{Count: 3, Window: 10 * kpi.Day}},
		{"30d New York", digest.Options{Period: 30 * kpi.Day, Location: ny, FullPrevious: true}, bot.CandidateRule{Count: 5, Window: 30 * kpi.Day}},
		{"12h", digest.Options{Period: 12 * time.Hour}, bot.CandidateRule{Count: 2, Window: 36 * time.Hour}},
		{"custom", digest.Options{From: end.Add(-40*kpi.Day + 17*time.Second), FullPrevious: true}, bot.CandidateRule{Count: 3, Window: 20 * kpi.Day}},
		{"all time", digest.Options{}, bot.CandidateRule{Count: 6, Window: 30 * kpi.Day}},
		{"filtered", digest.Options{Period: 30 * kpi.Day, Services: []string{"svc-1"}}, bot.CandidateRule{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := c.o
			o.End, o.Sections, o.Candidates = end, []string{digest.SectionProblems}, c.rule
			d, err := b.Build(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			want, err := bot.BuildProblemInsights(ctx, st, d.Report.From, d.Report.To, end, c.rule)
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Candidates) == 0 {
				t.Fatal("no candidates to compare")
			}
			if diff := cmp.Diff(want, d.Problems); diff != "" {
				t.Errorf("problem insights (-RecurrenceRows +KPI rows):\n%s", diff)
			}
		})
	}
}
