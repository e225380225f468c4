package jira_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/jira"
)

func TestLifecycleFollowsIncident(t *testing.T) {
	e := newEnv(t, nil)
	inc := e.declare(bot.SEV1, "Checkout latency above SLO")
	e.drain()
	is := e.checkOneIssue(inc.Number)
	if is.Summary != "[INC-1][SEV1] Checkout latency above SLO" {
		t.Errorf("summary = %q", is.Summary)
	}
	for _, want := range []string{"*Impact:* Payments fail for 5% of users", "*Service:* checkout", "*Commander:* alice",
		"[Open INC-1 in warroom|https://warroom.example.com/incidents/1]"} {
		if !strings.Contains(is.Description, want) {
			t.Errorf("description lacks %q:\n%s", want, is.Description)
		}
	}
	if got := e.fake.withLabel("warroom-inc-1")[0].Custom["customfield_10010"]; got == nil {
		t.Errorf("custom field not set on create")
	}
	tl := must[[]bot.Entry](t)(e.svc.Timeline(e.ctx, inc.Number))
	if last := tl[len(tl)-1]; last.Kind != bot.EntryTicketLinked || last.Data["id"] != "OPS-1" {
		t.Errorf("last timeline entry = %+v, want the ticket link", last)
	}

	steps := []struct {
		name string
		do   func() error
	}{
		{"ack", func() error { _, err := e.svc.Ack(e.ctx, bot.Cause{}, 1, "bob"); return err }},
		{"update", func() error {
			_, err := e.svc.PostUpdate(e.ctx, 1, "bob", "Failover to the standby is done", bot.StatusIdentified)
			return err
		}},
		{"note", func() error { _, err := e.svc.AddNote(e.ctx, 1, "bob", "Rolled back deploy 1234"); return err }},
		{"severity", func() error { _, err := e.svc.SetSeverity(e.ctx, 1, "bob", bot.SEV2); return err }},
		{"commander", func() error { _, err := e.svc.AssignRole(e.ctx, 1, "bob", "commander", "carol"); return err }},
		{"resolve", func() error {
			_, err := e.svc.Resolve(e.ctx, bot.Cause{}, 1, "carol", "Bad config rolled back")
			return err
		}},
		{"reopen", func() error { _, err := e.svc.Reopen(e.ctx, 1, "carol"); return err }},
		{"resolve again", func() error { _, err := e.svc.Resolve(e.ctx, bot.Cause{}, 1, "carol", ""); return err }},
		{"close", func() error { _, err := e.svc.Close(e.ctx, 1, "carol"); return err }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		e.drain()
		e.checkOneIssue(1)
	}
	is = e.checkOneIssue(1)
	wantComments := []string{
		"*Status update* (identified) by bob:\nFailover to the standby is done",
		"*Note* by bob:\nRolled back deploy 1234",
		"*Resolved* by carol.\nBad config rolled back",
		"*Reopened* by carol.",
		"*Resolved* by carol.",
	}
	if len(is.Comments) != len(wantComments) {
		t.Fatalf("comments = %q", is.Comments)
	}
	for i, want := range wantComments {
		if !strings.HasPrefix(is.Comments[i], want+"\n\n~warroom INC-1 e") {
			t.Errorf("comment %d = %q, want it to start with %q and end with the marker", i, is.Comments[i], want)
		}
	}
	wantTransitions := []string{"transition OPS-1 In Progress", "transition OPS-1 Done", "transition OPS-1 In Progress", "transition OPS-1 Done"}
	var got []string
	for _, w := range e.fake.log() {
		if strings.HasPrefix(w, "transition") {
			got = append(got, w)
		}
	}
	if !slices.Equal(got, wantTransitions) {
		t.Errorf("transitions = %q, want %q", got, wantTransitions)
	}
}

func TestBelowThresholdNoTicketUntilAsked(t *testing.T) {
	e := newEnv(t, nil)
	inc := e.declare(bot.SEV3, "Slow reports")
	if n := e.drain(); n != 0 {
		t.Fatalf("a SEV3 incident wrote %d ticket jobs", n)
	}
	l := must[bot.Link](t)(e.j.Ticket(e.ctx, inc, "alice"))
	if l.ID != "OPS-1" {
		t.Fatalf("Ticket = %+v", l)
	}
	again := must[bot.Link](t)(e.j.Ticket(e.ctx, e.get(inc.Number), "alice"))
	if again != l {
		t.Fatalf("second Ticket = %+v, want %+v", again, l)
	}
	e.drain()
	must[*bot.Incident](t)(e.svc.SetField(e.ctx, inc.Number, "alice", bot.FieldTitle, "Reports take minutes"))
	e.drain()
	if is := e.checkOneIssue(inc.Number); !strings.Contains(is.Summary, "Reports take minutes") {
		t.Errorf("linked below-threshold issue not synced: %q", is.Summary)
	}
}

func TestSeverityRaisedToThresholdCreates(t *testing.T) {
	e := newEnv(t, nil)
	inc := e.declare(bot.SEV4, "Disk filling")
	e.drain()
	must[*bot.Incident](t)(e.svc.SetSeverity(e.ctx, inc.Number, "bob", bot.SEV2))
	e.drain()
	e.checkOneIssue(inc.Number)
}

func TestTicketWhileJiraIsDownIsQueued(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.setFault(createFault(1, 503, nil))
	inc := e.declare(bot.SEV4, "Typo on the status page")
	_, err := e.j.Ticket(e.ctx, inc, "alice")
	if bot.ErrorCode(err) != bot.CodeUnavailable || !strings.Contains(bot.ErrorMessage(err), "keeps trying") {
		t.Fatalf("Ticket = %v, want an unavailable error saying it keeps trying", err)
	}
	e.clock.Advance(jira.DefaultReconcileWindow) // a 503's outcome is unknown: reconciled first
	e.drain()
	e.checkOneIssue(inc.Number)
}
