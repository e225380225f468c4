package kpi_test

import (
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/kpi"
	"github.com/warroom/warroom/internal/testkit"
)

// TestMaintenanceExcludesOnlyWhatItMatches: during a team=net window, a
// manual payments SEV2 still counts in the SLA figures; only an incident
// of a service a window names (service=db) is left out.
func TestMaintenanceExcludesOnlyWhatItMatches(t *testing.T) {
	clock := testkit.NewClock(testkit.Start)
	env := testkit.NewService(t, testkit.WithClock(clock))
	ctx := t.Context()
	for _, m := range []bot.Matcher{{Name: "team", Op: "=", Value: "net"}, {Name: "service", Op: "=", Value: "db"}} {
		if _, err := env.Svc.Maintenance().Start(ctx, bot.MaintenanceWindow{Matchers: []bot.Matcher{m},
			EndsAt: clock.Now().Add(2 * time.Hour), CreatedBy: "U0NET"}); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(time.Minute)
	for _, in := range []bot.DeclareInput{
		{Title: "Card declines", Severity: bot.SEV2, Service: "payments", Actor: "U0ALICE"},
		{Title: "Replica lag", Severity: bot.SEV2, Service: "db", Actor: "U0ALICE"},
	} {
		if _, err := env.Svc.Declare(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	for n, want := range map[int64]bool{1: false, 2: true} { // the timeline says which is left out
		tl, err := env.Svc.Timeline(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		noted := false
		for _, e := range tl {
			noted = noted || (e.Kind == bot.EntryNote && e.Data["maintenance"] != "")
		}
		if noted != want {
			t.Errorf("INC-%d: maintenance noted %v, want %v", n, noted, want)
		}
	}
	clock.Advance(time.Hour) // both miss the acknowledge target
	from, to := testkit.Start.Add(-time.Hour), clock.Now()
	ws, err := env.Store.MaintenanceWindows(ctx, bot.MaintenanceFilter{From: from, To: to})
	if err != nil || len(ws) != 2 {
		t.Fatalf("windows %v, %v", ws, err)
	}
	agg, err := kpi.Collect(ctx, env.Store, bot.KPIQuery{From: from, To: to, Now: to, SLAs: bot.DefaultSLAs(), Maintenance: ws})
	if err != nil {
		t.Fatal(err)
	}
	excluded := map[string]int64{}
	for _, g := range agg.Groups {
		excluded[g.Service] += g.InMaintenance
	}
	if excluded["payments"] != 0 || excluded["db"] != 1 {
		t.Errorf("left out of SLA figures: %v, want db only", excluded)
	}
	r := kpi.Build(agg, nil, bot.KPIQuery{From: from, To: to, Now: to, SLAs: bot.DefaultSLAs(), Maintenance: ws})
	if r.InMaintenance != 1 {
		t.Errorf("report leaves out %d incidents, want 1", r.InMaintenance)
	}
}
