package nagios_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/webhooktest"
	"github.com/warroom/warroom/integrations/nagios"
)

// TestProblemRecoveryThroughService: a PROBLEM opens an incident, its
// re-notification is a duplicate, its RECOVERY resolves the same alert.
func TestProblemRecoveryThroughService(t *testing.T) {
	env := webhooktest.NewEnv(t, bot.Config{})
	rcv, err := nagios.New(nagios.Config{Token: "tok"}, env.Svc, nil, env.Log)
	if err != nil {
		t.Fatal(err)
	}
	renotified := strings.Replace(string(webhooktest.Fixture(t, "nagios4-problem-env.json")), `"notificationnumber": "1"`, `"notificationnumber": "2"`, 1)
	for _, step := range []struct{ body, want string }{
		{string(webhooktest.Fixture(t, "nagios4-problem-env.json")), `"accepted":1,`},
		{renotified, `"duplicates":1,`},
		{string(webhooktest.Fixture(t, "nagios4-recovery-env.json")), `"accepted":1,`},
		{string(webhooktest.Fixture(t, "nagios4-recovery-env.json")), `"duplicates":1,`},
	} {
		webhooktest.Expect(t, webhooktest.PostJSON(rcv, "/webhooks/nagios", "tok", step.body), step.want, "delivery")
	}
	ctx := context.Background()
	incs, err := env.Svc.List(ctx, bot.IncidentFilter{})
	if err != nil || len(incs) != 1 {
		t.Fatalf("%d incidents (%v)", len(incs), err)
	}
	alerts, err := env.Store.Alerts(ctx, bot.AlertFilter{Incident: incs[0].Number})
	if err != nil || len(alerts) != 1 || alerts[0].Status != bot.AlertResolved {
		t.Fatalf("alerts %+v (%v)", alerts, err)
	}
}

// TestProblemEpisodesThroughService: PROBLEM → RECOVERY → PROBLEM. The
// RECOVERY cannot say when its PROBLEM began, yet resolves its alert and,
// by the route, the incident; the next PROBLEM (a new problem id) reopens
// the incident within the reopen window, and one long after declares anew.
// Each alert starts when warroom received its PROBLEM.
func TestProblemEpisodesThroughService(t *testing.T) {
	clock := webhooktest.NewClock(time.Date(2026, 11, 22, 11, 20, 0, 0, time.UTC))
	env := webhooktest.NewEnv(t, bot.Config{Now: clock.Now, Alerts: webhooktest.EpisodeRoute("nagios", "host", "nagios_service")})
	rcv, err := nagios.New(nagios.Config{Token: "tok"}, env.Svc, nil, env.Log)
	if err != nil {
		t.Fatal(err)
	}
	send := func(file string, replace []string, want string) {
		t.Helper()
		body := strings.NewReplacer(replace...).Replace(string(webhooktest.Fixture(t, file)))
		webhooktest.Expect(t, webhooktest.PostJSON(rcv, "/webhooks/nagios", "tok", body), want, fmt.Sprintf("%s %v", file, replace))
	}
	status := func(n int64) (bot.Status, int, int) {
		t.Helper()
		inc := env.Incident(t, n)
		return inc.Status, inc.AlertsFiring, inc.Alerts
	}
	advance := clock.Advance
	problem, recovery := "nagios4-problem-env.json", "nagios4-recovery-env.json"
	id := func(n string) []string {
		return []string{`"serviceproblemid": "1"`, `"serviceproblemid": "` + n + `"`}
	}

	send(problem, nil, `"accepted":1,`)
	advance(time.Minute)
	send(recovery, nil, `"accepted":1,`)
	if st, firing, _ := status(1); st != bot.StatusResolved || firing != 0 {
		t.Fatalf("after RECOVERY: %s, %d firing", st, firing)
	}
	// The next problem of the service, ten minutes on: INC-1 reopens.
	advance(10 * time.Minute)
	send(problem, id("2"), `"incidents":[1]`)
	if st, firing, alerts := status(1); st != bot.StatusInvestigating || firing != 1 || alerts != 2 {
		t.Fatalf("second PROBLEM: %s, %d firing of %d", st, firing, alerts)
	}
	advance(time.Minute)
	send(problem, append(id("2"), `"notificationnumber": "1"`, `"notificationnumber": "2"`), `"duplicates":1,`)
	// Nagios cleared the id by the recovery: the last one names the problem.
	advance(time.Minute)
	send(recovery, []string{`"serviceproblemid": "1"`, `"serviceproblemid": "0"`, `"lastserviceproblemid": "0"`, `"lastserviceproblemid": "2"`}, `"accepted":1,`)
	if st, firing, _ := status(1); st != bot.StatusResolved || firing != 0 {
		t.Fatalf("second RECOVERY: %s, %d firing", st, firing)
	}
	alerts, err := env.Store.Alerts(context.Background(), bot.AlertFilter{Incident: 1})
	if err != nil || len(alerts) != 2 {
		t.Fatalf("alerts of INC-1: %+v (%v)", alerts, err)
	}
	for i, want := range []time.Time{time.Date(2026, 11, 22, 11, 20, 0, 0, time.UTC), time.Date(2026, 11, 22, 11, 31, 0, 0, time.UTC)} {
		if a := alerts[i]; a.Status != bot.AlertResolved || !a.StartsAt.Equal(want) {
			t.Errorf("alert %d: %s from %v, want resolved from %v (received)", i+1, a.Status, a.StartsAt, want)
		}
	}
	// A problem long after the reopen window: a new incident.
	advance(2 * time.Hour)
	send(problem, id("3"), `"incidents":[2]`)
	if st, firing, _ := status(2); !st.Open() || firing != 1 {
		t.Fatalf("third PROBLEM: %s, %d firing", st, firing)
	}
}
