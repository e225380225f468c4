package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/internal/testkit"
)

// tracker is a ticket system that records what it created.
type tracker struct {
	system, key string
	created     []string
}

func (t *tracker) System() string { return t.system }

func (t *tracker) Ticket(_ context.Context, inc *bot.Incident, _ string) (bot.Link, error) {
	t.created = append(t.created, inc.Key())
	return bot.Link{ID: t.key}, nil
}

// TestTicketInTheSystemsTheSeverityNames: with Jira and ServiceNow both
// configured, /incident ticket creates in both by default, and in the one
// the incident's severity names when ticket_systems says so.
func TestTicketInTheSystemsTheSeverityNames(t *testing.T) {
	ctx := t.Context()
	svc := testkit.NewService(t, testkit.WithTargets("console"), testkit.WithConfig(bot.Config{
		Tickets: bot.TicketConfig{Systems: map[bot.Severity][]string{bot.SEV4: {bot.LinkServiceNow}}},
	})).Svc
	jira, sn := &tracker{system: bot.LinkJira, key: "OPS-1"}, &tracker{system: bot.LinkServiceNow, key: "INC0010001"}
	r, err := commands.New(svc, commands.Config{Ticketer: jira, Ticketers: []commands.Ticketer{jira, sn}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ticket := func(sev bot.Severity) (*bot.Incident, commands.Reply) {
		inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Queue stuck", Severity: sev, Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := r.Dispatch(ctx, commands.Request{Text: "ticket " + inc.Key(), User: "alice", Platform: "console", Channel: "C1"})
		if err != nil {
			t.Fatal(err)
		}
		inc, err = svc.Get(ctx, inc.Number)
		if err != nil {
			t.Fatal(err)
		}
		return inc, rep
	}
	both, rep := ticket(bot.SEV3)
	if both.Links[bot.LinkJira].ID != "OPS-1" || both.Links[bot.LinkServiceNow].ID != "INC0010001" ||
		!strings.Contains(rep.Text, "OPS-1") || !strings.Contains(rep.Text, "INC0010001") {
		t.Errorf("SEV3: links %v, reply %q; want both systems", both.Links, rep.Text)
	}
	snOnly, _ := ticket(bot.SEV4)
	if _, ok := snOnly.Links[bot.LinkJira]; ok || snOnly.Links[bot.LinkServiceNow].ID != "INC0010001" {
		t.Errorf("SEV4: links %v; want ServiceNow only", snOnly.Links)
	}
	if len(jira.created) != 1 || len(sn.created) != 2 {
		t.Errorf("created in Jira %v, in ServiceNow %v", jira.created, sn.created)
	}
}
