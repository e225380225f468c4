package jira_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func TestActionItemsBecomeLinkedIssues(t *testing.T) {
	e := newEnv(t, nil)
	inc := e.declare(bot.SEV2, "Disk full on db-3")
	e.drain()
	due := t0.Add(72 * time.Hour)
	must[*bot.ActionItem](t)(e.svc.AddAction(e.ctx, inc.Number, "alice", bot.ActionInput{Title: "Alert on disk at 80%", Owner: "bob", Due: &due}))
	e.drain()
	issues := e.fake.withLabel("warroom-inc-1-action-1")
	if len(issues) != 1 {
		t.Fatalf("%d action issues", len(issues))
	}
	a := issues[0]
	if a.Summary != "[INC-1] action #1: Alert on disk at 80%" || !strings.Contains(a.Description, "*Owner:* bob") || !strings.Contains(a.Description, "*Due:* 2026-11-25") {
		t.Errorf("action issue = %+v", a)
	}
	if !slices.Contains(e.fake.log(), "link OPS-2 OPS-1") {
		t.Errorf("action issue not linked to the incident's issue: %q", e.fake.log())
	}
	items := must[[]bot.ActionItem](t)(e.svc.Actions(e.ctx, bot.ActionFilter{Incident: inc.Number}))
	if items[0].Ticket != "OPS-2" {
		t.Fatalf("action ticket = %q", items[0].Ticket)
	}
	must[*bot.ActionItem](t)(e.svc.CompleteAction(e.ctx, bot.Cause{}, inc.Number, "bob", 1))
	e.drain()
	if got := e.fake.withLabel("warroom-inc-1-action-1")[0].Status; got != "Done" {
		t.Fatalf("action issue status = %q, want Done", got)
	}
	// The incident's own issue got no comment for the action items.
	if is := e.checkOneIssue(inc.Number); len(is.Comments) != 0 {
		t.Errorf("comments = %q", is.Comments)
	}
	links := 0
	for _, w := range e.fake.log() {
		if strings.HasPrefix(w, "link ") {
			links++
		}
	}
	if links != 1 {
		t.Errorf("%d links, want 1", links)
	}
}
