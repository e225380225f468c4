package generic_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/generic"
	"github.com/warroom/warroom/integrations/internal/webhooktest"
)

// TestEpisodesWithoutStartThroughService: a generic sender without a
// mapped starts_at. Its "up" resolves the alert its "down" raised; a
// repeated "down" while down is a duplicate; a "down" after the "up" is a
// second episode (reopening the incident within the reopen window, a new
// incident after it), not a duplicate of the first.
func TestEpisodesWithoutStartThroughService(t *testing.T) {
	clock := webhooktest.NewClock(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	env := webhooktest.NewEnv(t, bot.Config{Now: clock.Now, Alerts: webhooktest.EpisodeRoute("uptime", "alertname")})
	m := mapping
	m.StartsAt = "" // the sender's time is not mapped
	rcv, err := generic.New(generic.Config{Token: "tok", Mapping: m}, env.Svc, nil, env.Log)
	if err != nil {
		t.Fatal(err)
	}
	send := func(state, want string) {
		t.Helper()
		body := strings.Replace(string(fixture(t)), `"down"`, `"`+state+`"`, 1)
		webhooktest.Expect(t, webhooktest.PostJSON(rcv, "/webhooks/generic", "tok", body), want, state)
	}
	status := func(n int64) (bot.Status, int, int) {
		t.Helper()
		inc := env.Incident(t, n)
		return inc.Status, inc.AlertsFiring, inc.Alerts
	}
	advance := clock.Advance

	send("down", `"accepted":1,`)
	advance(time.Minute)
	send("down", `"duplicates":1,`)
	advance(time.Minute)
	send("up", `"accepted":1,`)
	send("up", `"duplicates":1,`)
	if st, firing, _ := status(1); st != bot.StatusResolved || firing != 0 {
		t.Fatalf("after up: %s, %d firing", st, firing)
	}
	advance(5 * time.Minute)
	send("down", `"incidents":[1]`)
	if st, firing, alerts := status(1); st != bot.StatusInvestigating || firing != 1 || alerts != 2 {
		t.Fatalf("down again: %s, %d firing of %d", st, firing, alerts)
	}
	advance(time.Minute)
	send("up", `"accepted":1,`)
	advance(time.Hour)
	send("down", `"incidents":[2]`)
	if st, firing, _ := status(2); !st.Open() || firing != 1 {
		t.Fatalf("down long after: %s, %d firing", st, firing)
	}
	alerts, err := env.Store.Alerts(context.Background(), bot.AlertFilter{})
	if err != nil || len(alerts) != 3 {
		t.Fatalf("alerts: %+v (%v)", alerts, err)
	}
	for i, want := range []time.Time{
		time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 22, 10, 7, 0, 0, time.UTC),
		time.Date(2026, 11, 22, 11, 8, 0, 0, time.UTC),
	} {
		if a := alerts[i]; !a.StartsAt.Equal(want) {
			t.Errorf("alert %d starts %v, want %v (received)", i+1, a.StartsAt, want)
		}
	}
}
