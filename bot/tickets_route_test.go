package bot_test

import (
	"context"
	"slices"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// TestRoutePicksTheTicketSystem: with Jira and ServiceNow both configured,
// an incident declared by a route naming servicenow gets its automatic
// ticket there only, and /incident ticket (TicketSystems) names the route's
// systems over the per-severity ones; a manual incident keeps the
// per-severity choice.
func TestRoutePicksTheTicketSystem(t *testing.T) {
	ctx := context.Background()
	env := testkit.NewService(t, testkit.WithClock(testkit.NewClock(testkit.Start)), testkit.WithConfig(bot.Config{
		Tickets: bot.TicketConfig{Targets: []bot.TicketTarget{{Name: bot.LinkJira}, {Name: bot.LinkServiceNow}},
			Systems: map[bot.Severity][]string{bot.SEV1: {bot.LinkJira}}},
		Alerts: bot.AlertConfig{Routes: []bot.Route{{Name: "db", Matchers: []bot.Matcher{{Name: "team", Op: "=", Value: "db"}},
			Severity: bot.SEV1, Tickets: []string{bot.LinkServiceNow}, AutoDeclare: true}}},
	}))
	svc, st := env.Svc, env.Store
	res, err := svc.HandleAlerts(ctx, bot.Cause{}, []bot.Alert{firing("f1", "g1", "alertname", "DiskFull", "team", "db")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Incidents) != 1 {
		t.Fatalf("declared %v", res.Incidents)
	}
	inc, err := svc.Get(ctx, res.Incidents[0])
	if err != nil {
		t.Fatal(err)
	}
	if inc.Route != "db" {
		t.Errorf("the incident's route is %q, want db", inc.Route)
	}
	var syncs []string
	for _, j := range claimAll(t, st, env.Clock.Now()) {
		if j.Kind.Effect() == bot.EffectTicketSync {
			syncs = append(syncs, string(j.Kind))
		}
	}
	if !slices.Equal(syncs, []string{"servicenow.sync"}) {
		t.Errorf("automatic ticket jobs %v, want ServiceNow's only", syncs)
	}
	if got := svc.TicketSystems(inc); !slices.Equal(got, []string{bot.LinkServiceNow}) {
		t.Errorf("TicketSystems of the route's incident = %v", got)
	}
	manual, err := svc.Declare(ctx, bot.DeclareInput{Title: "By hand", Severity: bot.SEV1})
	if err != nil {
		t.Fatal(err)
	}
	if got := svc.TicketSystems(manual); !slices.Equal(got, []string{bot.LinkJira}) {
		t.Errorf("TicketSystems of a manual SEV1 = %v, want the severity's", got)
	}
}
