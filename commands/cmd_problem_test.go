package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// problemState is everything a /problem command could change.
type problemState struct {
	Snap     snapshot
	Problems []bot.Problem
	Links    []bot.ProblemLink
	Actions  []bot.ProblemAction
}

func (e *env) problemState() problemState {
	e.t.Helper()
	pr := e.svc.Problems()
	ps, err := pr.List(e.ctx, bot.ProblemFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	links, err := pr.Links(e.ctx, bot.ProblemLinkFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	acts, err := pr.Actions(e.ctx, bot.ProblemActionFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return problemState{Snap: e.snapshot(), Problems: ps, Links: links, Actions: acts}
}

// TestProblemStory: a problem from its record to its close, through the
// commands a person types.
func TestProblemStory(t *testing.T) {
	e := newEnv(t, commands.Config{})
	e.declare("Disk full on db1")
	e.declare("Disk full on db2")

	steps := []struct{ text, want string }{
		{"/problem create Disks fill up on db hosts", "Recorded problem PRB-1: Disks fill up on db hosts by alice."},
		{"/problem link PRB-1 INC-1 INC-2", "Linked INC-1, INC-2 to PRB-1 by alice."},
		{"/problem rootcause PRB-1 log rotation was off", "Root cause of PRB-1 recorded by alice."},
		{"/problem workaround prb-1 delete old logs", "Workaround of PRB-1 recorded by alice."},
		{"/problem status PRB-1 known error", "PRB-1 is known-error by alice."},
		{"/problem owner PRB-1 @me", "PRB-1 is owned by @alice by alice."},
		{"/problem action add PRB-1 Turn on log rotation @bob due:2026-12-01 --kind preventive",
			"Added action item #1 (preventive) to PRB-1: Turn on log rotation, owner @bob, due 2026-12-01."},
		{"/problem action done PRB-1 1", "Action item #1 of PRB-1 is done by alice: Turn on log rotation"},
		{"/problem unlink PRB-1 INC-2", "Unlinked INC-2 from PRB-1 by alice."},
		{"/problem close PRB-1", "PRB-1 is closed by alice."},
		{"/problem status PRB-1 open", "PRB-1 is open by alice."},
		{"incident problem title PRB-1 Disks fill up", "Title of PRB-1 recorded by alice."},
	}
	for _, s := range steps {
		if got := e.must(s.text).Text; got != s.want {
			t.Errorf("%s:\n got %q\nwant %q", s.text, got, s.want)
		}
		e.clock.Advance(time.Minute)
	}
	show := e.must("/problem show PRB-1")
	for _, want := range []string{"PRB-1 Disks fill up (open)", "Owner: @alice", "Root cause: log rotation was off",
		"Workaround: delete old logs", "Incidents (1):", "INC-1", "Turn on log rotation", "done"} {
		if !strings.Contains(show.Text, want) {
			t.Errorf("show lacks %q:\n%s", want, show.Text)
		}
	}
	if !show.Ephemeral || strings.Contains(show.Text, "INC-2") {
		t.Errorf("show: ephemeral %v, text:\n%s", show.Ephemeral, show.Text)
	}
	list := e.must("/problem").Text
	if !strings.Contains(list, "Open problems (1):") || !strings.Contains(list, "PRB-1") {
		t.Errorf("list:\n%s", list)
	}
	if got := e.must("/problem list --status closed").Text; !strings.Contains(got, "none") {
		t.Errorf("closed list: %s", got)
	}
	// Every change is in the audit, with its actor and time.
	audit, err := e.svc.Audit(e.ctx, bot.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range audit {
		if strings.HasPrefix(a.Action, "problem.") {
			if a.Actor != "alice" || a.At.IsZero() {
				t.Errorf("audit record %+v: want actor alice and a time", a)
			}
			actions = append(actions, a.Action)
		}
	}
	want := []string{"problem.create", "problem.link", "problem.link", "problem.update", "problem.update", "problem.update",
		"problem.update", "problem.action_add", "problem.action_done", "problem.unlink", "problem.update", "problem.update", "problem.update"}
	if diff := cmp.Diff(want, actions); diff != "" {
		t.Errorf("audit actions (-want +got):\n%s", diff)
	}
	help := e.must("help").Text
	for _, want := range []string{"/problem create TITLE", "/problem link PRB-n INC-n...", "/problem close PRB-n"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// TestProblemBadInput: every bad /problem command answers a clear, coded
// error and changes nothing.
func TestProblemBadInput(t *testing.T) {
	e := newEnv(t, commands.Config{})
	e.declare("Disk full")                                                                                                            // INC-1
	if _, err := e.svc.Declare(e.ctx, bot.DeclareInput{Title: "Secret", Private: true, Actor: "bob", Commander: "bob"}); err != nil { // INC-2
		t.Fatal(err)
	}
	e.must("/problem create Disks fill up")    // PRB-1
	e.must("/problem link PRB-1 INC-1")        // linked
	e.must("/problem create Old cause")        // PRB-2
	e.must("/problem close PRB-2")             // closed
	e.must("/problem action add PRB-1 Fix it") // #1
	e.must("/problem action done PRB-1 1")

	tests := []struct {
		name  string
		text  string
		code  bot.Code
		parts []string
	}{
		{"create without title", "/problem create", bot.CodeInvalid, []string{"a problem needs a title", "usage: /problem create TITLE"}},
		{"show without key", "/problem show", bot.CodeInvalid, []string{"which problem?"}},
		{"bad key", "/problem show INC-1", bot.CodeInvalid, []string{`"INC-1" is not a problem key like PRB-3`}},
		{"unknown problem", "/problem show PRB-9", bot.CodeNotFound, []string{"PRB-9 does not exist"}},
		{"link without incident", "/problem link PRB-1", bot.CodeInvalid, []string{"name the incidents"}},
		{"link a word", "/problem link PRB-1 yesterday", bot.CodeInvalid, []string{`"yesterday" is not an incident key`}},
		{"link twice", "/problem link PRB-1 INC-1", bot.CodeConflict, []string{"INC-1 is linked to PRB-1 already"}},
		{"link unknown incident", "/problem link PRB-1 INC-99", bot.CodeNotFound, []string{"INC-99 does not exist"}},
		{"link a private incident one may not see", "/problem link PRB-1 INC-2", bot.CodeNotFound, []string{"INC-2 does not exist"}},
		{"link to a closed problem", "/problem link PRB-2 INC-1", bot.CodeConflict, []string{"PRB-2 is closed"}},
		{"unlink what is not linked", "/problem unlink PRB-2 INC-1", bot.CodeNotFound, []string{"INC-1 is not linked to PRB-2"}},
		{"rootcause without text", "/problem rootcause PRB-1", bot.CodeInvalid, []string{"give the root cause as text"}},
		{"status unknown", "/problem status PRB-1 fixed", bot.CodeInvalid, []string{`problem status "fixed" is not one of open, known-error, resolved, closed`}},
		{"status same", "/problem status PRB-1 open", bot.CodeConflict, []string{"PRB-1 is like that already"}},
		{"closed to resolved", "/problem status PRB-2 resolved", bot.CodeConflict, []string{"PRB-2 is closed: reopen it first"}},
		{"close twice", "/problem close PRB-2", bot.CodeConflict, []string{"like that already"}},
		{"owner broadcast", "/problem owner PRB-1 @here", bot.CodeInvalid, []string{"@here is not a person"}},
		{"owner two", "/problem owner PRB-1 @a @b", bot.CodeInvalid, []string{"name one owner"}},
		{"action without sub", "/problem action", bot.CodeInvalid, []string{"write problem action add or done"}},
		{"action unknown sub", "/problem action remove PRB-1 1", bot.CodeInvalid, []string{`unknown problem action command "remove"`}},
		{"action without text", "/problem action add PRB-1", bot.CodeInvalid, []string{"an action item needs text"}},
		{"action bad kind", "/problem action add PRB-1 Fix --kind urgent", bot.CodeInvalid, []string{`action kind "urgent"`}},
		{"action on closed problem", "/problem action add PRB-2 Fix", bot.CodeConflict, []string{"PRB-2 is closed"}},
		{"action done twice", "/problem action done PRB-1 1", bot.CodeConflict, []string{"already done"}},
		{"action done unknown", "/problem action done PRB-1 7", bot.CodeNotFound, []string{"PRB-1 has no action item #7"}},
		{"unknown subcommand", "/problem frob", bot.CodeInvalid, []string{`unknown problem command "frob"`, "/problem create TITLE"}},
		{"list with both", "/problem list --all --status open", bot.CodeInvalid, []string{"give --all or --status, not both"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.problemState()
			_, err := e.run(tc.text)
			wantErr(t, err, tc.code, tc.parts...)
			if diff := cmp.Diff(before, e.problemState()); diff != "" {
				t.Errorf("the database changed (-before +after):\n%s", diff)
			}
		})
	}
}

// TestProblemReadOnly: a read-only caller may list and show, never change.
func TestProblemReadOnly(t *testing.T) {
	e := newEnv(t, commands.Config{})
	e.must("/problem create Disks fill up")
	for _, text := range []string{"/problem list", "/problem show PRB-1", "/problem actions PRB-1"} {
		if _, err := e.r.Dispatch(e.ctx, commands.Request{Text: text, User: "v", Platform: "api", ReadOnly: true}); err != nil &&
			!strings.Contains(text, "action") {
			t.Errorf("%s: %v", text, err)
		}
	}
	before := e.problemState()
	for _, text := range []string{"/problem create X", "/problem close PRB-1", "/problem rootcause PRB-1 y"} {
		_, err := e.r.Dispatch(e.ctx, commands.Request{Text: text, User: "v", Platform: "api", ReadOnly: true})
		wantErr(t, err, bot.CodeForbidden, "you may only read")
	}
	if diff := cmp.Diff(before, e.problemState()); diff != "" {
		t.Errorf("the database changed:\n%s", diff)
	}
}

// TestProblemActionsInActionLists: a problem's action items show in the
// cross-incident lists, overdue ones among the overdue.
func TestProblemActionsInActionLists(t *testing.T) {
	e := newEnv(t, commands.Config{})
	inc := e.declare("Disk full")
	e.must("action add " + inc.Key() + " Clean disk @bob due:2026-11-25")
	e.must("/problem create Disks fill up")
	e.must("/problem action add PRB-1 Rotate logs @bob due:2026-11-23")
	e.must("/problem action add PRB-1 Buy disks @carol")
	e.clock.Advance(48 * time.Hour)
	got := e.must("action list --overdue").Text
	for _, want := range []string{"Overdue action items (1):", "PRB-1", "Rotate logs", "OVERDUE"} {
		if !strings.Contains(got, want) {
			t.Errorf("overdue list lacks %q:\n%s", want, got)
		}
	}
	got = e.must("action list --open").Text
	if !strings.Contains(got, "Open action items (3):") || strings.Index(got, "Rotate logs") > strings.Index(got, "Clean disk") {
		t.Errorf("open list, soonest due first:\n%s", got)
	}
	if got := e.must("/problem actions PRB-1").Text; !strings.Contains(got, "Action items of PRB-1 (1 overdue)") {
		t.Errorf("problem actions:\n%s", got)
	}
}
