package pagerduty_test

import (
	"context"
	"testing"

	"github.com/warroom/warroom/bot"
)

// TestPagedPersonFollowsTheIncident: /incident page @bob opens a PagerDuty
// incident assigned to bob; acknowledging and resolving the warroom
// incident acknowledges and resolves it.
func TestPagedPersonFollowsTheIncident(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.fake.users = []map[string]any{{"id": "PUSER03", "type": "user", "name": "Bob Jones", "email": "bob@example.com"}}
	inc := e.declare(bot.SEV3, "Payments flaky")
	if _, err := e.pd.Page(ctx, inc, "@bob", "", "alice"); err != nil {
		t.Fatal(err)
	}
	e.drain()
	if len(e.fake.incidents) != 1 {
		t.Fatalf("REST incidents %v, want bob's", e.fake.incidents)
	}
	if _, err := e.svc.Ack(ctx, bot.Cause{}, inc.Number, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Resolve(ctx, bot.Cause{}, inc.Number, "alice", ""); err != nil {
		t.Fatal(err)
	}
	e.drain()
	var statuses []string
	for _, u := range e.fake.updates {
		for _, i := range u["incidents"].([]any) {
			m := i.(map[string]any)
			if m["id"] == "Q00001" {
				statuses = append(statuses, m["status"].(string))
			}
		}
	}
	if len(statuses) != 2 || statuses[0] != "acknowledged" || statuses[1] != "resolved" {
		t.Errorf("bob's PagerDuty incident saw %v, want acknowledged then resolved", statuses)
	}
}
