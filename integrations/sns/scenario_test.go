package sns_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/webhooktest"
	"github.com/warroom/warroom/integrations/sns"
)

// TestCloudWatchEpisodesThroughService: CloudWatch's OK says nothing of
// when the ALARM began, yet it resolves the alert its ALARM raised (and,
// by the route, the incident); the next ALARM is a second episode that
// reopens the incident within the route's reopen window and declares a
// new one after it.
func TestCloudWatchEpisodesThroughService(t *testing.T) {
	clock := webhooktest.NewClock(time.Date(2026, 11, 22, 11, 0, 13, 0, time.UTC))
	env := webhooktest.NewEnv(t, bot.Config{Now: clock.Now, Alerts: webhooktest.EpisodeRoute("aws", "alertname")})
	svc, advance := env.Svc, clock.Advance
	ctx := context.Background()
	f := newFakeAWS(t)
	rcv, err := sns.New(sns.Config{TopicARNs: []string{topic}, Client: f.srv.Client(), TrustURL: f.trust}, svc, nil, env.Log)
	if err != nil {
		t.Fatal(err)
	}
	send := func(state, changed, want string) {
		t.Helper()
		msg := strings.Replace(alarmJSON(t, state), "2026-11-22T11:00:12.345+0000", changed, 1)
		m := notification(f, msg)
		sign(t, m, f.key, "2")
		webhooktest.Expect(t, serve(t, rcv, m, "text/plain; charset=UTF-8"), want, state+" at "+changed)
	}
	incident := func(n int64) *bot.Incident {
		t.Helper()
		return env.Incident(t, n)
	}

	send("ALARM", "2026-11-22T11:00:12.345+0000", `"accepted":1,`)
	send("ALARM", "2026-11-22T11:00:12.345+0000", `"duplicates":1,`) // SNS redelivers
	advance(20 * time.Minute)
	send("OK", "2026-11-22T11:20:12.000+0000", `"accepted":1,`)
	send("OK", "2026-11-22T11:20:12.000+0000", `"duplicates":1,`)
	if inc := incident(1); inc.Status != bot.StatusResolved || inc.AlertsFiring != 0 {
		t.Fatalf("after OK: %s, %d firing", inc.Status, inc.AlertsFiring)
	}
	entries, err := svc.Timeline(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var all bool
	for _, e := range entries {
		all = all || e.Kind == bot.EntryAlertResolved && e.Data["all"] == "true"
	}
	if !all {
		t.Errorf("no all-resolved timeline entry: %+v", entries)
	}

	// ALARM again ten minutes later: a second episode reopens INC-1.
	advance(10 * time.Minute)
	send("ALARM", "2026-11-22T11:30:12.000+0000", `"accepted":1,`)
	if inc := incident(1); inc.Status != bot.StatusInvestigating || inc.Alerts != 2 || inc.AlertsFiring != 1 {
		t.Fatalf("second ALARM: %s, %d firing of %d", inc.Status, inc.AlertsFiring, inc.Alerts)
	}
	advance(5 * time.Minute)
	send("OK", "2026-11-22T11:35:12.000+0000", `"accepted":1,`)
	if inc := incident(1); inc.Status != bot.StatusResolved {
		t.Fatalf("second OK: %s", inc.Status)
	}
	alerts, err := env.Store.Alerts(ctx, bot.AlertFilter{Incident: 1})
	if err != nil || len(alerts) != 2 || alerts[0].Status != bot.AlertResolved || alerts[1].Status != bot.AlertResolved {
		t.Fatalf("alerts of INC-1: %+v (%v)", alerts, err)
	}

	// Long after the reopen window: a new incident.
	advance(2 * time.Hour)
	send("ALARM", "2026-11-22T13:35:12.000+0000", `"incidents":[2]`)
	if inc := incident(2); !inc.Status.Open() || inc.AlertsFiring != 1 {
		t.Fatalf("third ALARM: %s, %d firing", inc.Status, inc.AlertsFiring)
	}
}
