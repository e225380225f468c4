package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// specCommands are the commands of README.md's "Commands" section, as help
// shows them.
var specCommands = []string{
	"/incident declare", "/incident ack", "/incident status", "/incident sev", "/incident update",
	"/incident note", "/incident role", "/incident field", "/incident edit", "/incident time", "/incident resolve",
	"/incident close", "/incident reopen", "/incident list", "/incident show", "/incident timeline",
	"/incident page", "/incident ticket", "/incident action add", "/incident action done",
	"/incident action list", "/incident postmortem", "/incident digest", "/incident maintenance start",
	"/incident maintenance list", "/incident maintenance end",
	"/problem create", "/problem list", "/problem show", "/problem link", "/problem unlink", "/problem rootcause",
	"/problem workaround", "/problem status", "/problem owner", "/problem title", "/problem close",
	"/problem action", "/problem actions",
	"/oncall", "/incident help",
}

// helpCommands reads the usage lines of the help text: the lines that
// start with a slash.
func helpCommands(help string) []string {
	var out []string
	for _, line := range strings.Split(help, "\n") {
		if strings.HasPrefix(line, "/") {
			out = append(out, line)
		}
	}
	return out
}

func TestHelpListsEveryCommand(t *testing.T) {
	e := newEnv(t, commands.Config{})
	help := e.r.Help()
	lines := helpCommands(help)
	for _, c := range specCommands {
		found := false
		for _, l := range lines {
			if l == c || strings.HasPrefix(l, c+" ") {
				found = true
			}
		}
		if !found {
			t.Errorf("help has no line for %s:\n%s", c, help)
		}
	}
	if len(lines) != len(specCommands) {
		t.Errorf("help lists %d commands, want %d", len(lines), len(specCommands))
	}
	contains(t, help, "/incident role commander|communications|scribe|liaison @user", "/incident ack  (also: acknowledge)")

	for _, text := range []string{"help", "/incident help", "", "/incident", "?"} {
		rep, err := e.run(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if rep.Text != help || !rep.Ephemeral {
			t.Errorf("%q did not reply the help text ephemerally: %+v", text, rep)
		}
	}
}

// TestHelpLinesRoute: every usage line in the help text routes to a command
// (help is generated from the table that routes, so none is stale).
func TestHelpLinesRoute(t *testing.T) {
	e := newEnv(t, commands.Config{})
	for _, line := range helpCommands(e.r.Help()) {
		var words []string
		for _, w := range strings.Fields(line) {
			if strings.ContainsAny(w, "[]|@-.") || strings.ToUpper(w) == w {
				break
			}
			words = append(words, w)
		}
		name := strings.Join(words, " ")
		rep, err := e.run("help " + name)
		if err != nil {
			t.Errorf("help %s: %v", name, err)
			continue
		}
		if !strings.HasPrefix(rep.Text, "usage: "+strings.SplitN(line, "  (also", 2)[0]) {
			t.Errorf("help %s = %q, want the usage %q", name, rep.Text, line)
		}
	}
	rep, err := e.run("help action")
	if err != nil {
		t.Fatal(err)
	}
	contains(t, rep.Text, "usage: /incident action add", "usage: /incident action done N", "usage: /incident action list")
}

func TestAliasesAndPrefixes(t *testing.T) {
	e := newEnv(t, commands.Config{})
	for i, text := range []string{
		"/incident acknowledge INC-%d", "incident ACK INC-%d", "ack inc-%d", "INC-%d ack", `"ack" INC-%d`,
	} {
		inc := e.declare("Disk full")
		text = strings.ReplaceAll(text, "%d", strings.TrimPrefix(inc.Key(), "INC-"))
		if _, err := e.run(text); err != nil {
			t.Errorf("%d %q: %v", i, text, err)
			continue
		}
		if got := e.get(inc.Number); got.Status != bot.StatusAcknowledged {
			t.Errorf("%q left %s %s", text, got.Key(), got.Status)
		}
	}
	rep := e.must("INC-1")
	if rep.Message == nil || rep.Incident.Number != 1 {
		t.Errorf("a key alone should show the incident: %+v", rep)
	}
}

// TestIncidentResolution: an explicit key wins over the channel's incident.
func TestIncidentResolution(t *testing.T) {
	e := newEnv(t, commands.Config{})
	a, b := e.declare("In the channel"), e.declare("Named explicitly")
	if _, err := e.svc.LinkChannel(e.ctx, a.Number, "slack", "C-A"); err != nil {
		t.Fatal(err)
	}
	req := commands.Request{Text: "note " + b.Key() + " explicit wins", User: "U1", Platform: "slack", Channel: "C-A"}
	rep, err := e.r.Dispatch(e.ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Incident.Number != b.Number || e.lastEntry(b.Number).Text != "explicit wins" {
		t.Errorf("note went to %s", rep.Incident.Key())
	}
	req.Text = "note from the channel"
	if rep, err = e.r.Dispatch(e.ctx, req); err != nil {
		t.Fatal(err)
	}
	if rep.Incident.Number != a.Number || e.lastEntry(a.Number).Actor != "U1" {
		t.Errorf("note went to %s", rep.Incident.Key())
	}
	// The same channel id on another platform is not the incident's channel.
	req.Platform = "discord"
	_, err = e.r.Dispatch(e.ctx, req)
	wantErr(t, err, bot.CodeInvalid, "which incident?")
}

func TestObserve(t *testing.T) {
	type obs struct {
		name string
		code bot.Code
	}
	var got []obs
	e := newEnv(t, commands.Config{Observe: func(name string, d time.Duration, err error) {
		if d < 0 {
			t.Errorf("negative latency %v", d)
		}
		got = append(got, obs{name, bot.ErrorCode(err)})
	}})
	e.declare("Disk full")
	_, _ = e.run("ack INC-1")
	_, _ = e.run("ack INC-1")
	_, _ = e.run("nope")
	_, _ = e.run("action list INC-1")
	want := []obs{{"ack", ""}, {"ack", bot.CodeConflict}, {"unknown", bot.CodeInvalid}, {"action list", ""}}
	if len(got) != len(want) {
		t.Fatalf("observed %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("observation %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestDidYouMean(t *testing.T) {
	e := newEnv(t, commands.Config{})
	for text, want := range map[string]string{
		"delcare Disk full": `did you mean "declare"?`,
		"resovle":           `did you mean "resolve"?`,
		"timelien":          `did you mean "timeline"?`,
		"action ad x":       `did you mean "add"?`,
		"maint lst":         `did you mean "list"?`,
	} {
		_, err := e.run(text)
		wantErr(t, err, bot.CodeInvalid, want)
	}
}
