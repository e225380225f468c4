package commands_test

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// TestBadInput: every bad command answers a coded error that says what was
// wrong, and leaves the database exactly as it was.
func TestBadInput(t *testing.T) {
	e := newEnv(t, commands.Config{})
	open := e.declare("Checkout latency") // INC-1, triggered, in channel C1
	if _, err := e.svc.LinkChannel(e.ctx, open.Number, "console", "C1"); err != nil {
		t.Fatal(err)
	}
	resolved := e.declare("Old outage") // INC-2, resolved
	if _, err := e.svc.Resolve(e.ctx, bot.Cause{}, resolved.Number, "setup", ""); err != nil {
		t.Fatal(err)
	}
	closed := e.declare("Older outage") // INC-3, closed
	if _, err := e.svc.Close(e.ctx, closed.Number, "setup"); err != nil {
		t.Fatal(err)
	}
	led, err := e.svc.Declare(e.ctx, bot.DeclareInput{Title: "Led by bob", Commander: "bob", Actor: "bob"}) // INC-4
	if err != nil {
		t.Fatal(err)
	}
	_ = led

	tests := []struct {
		name    string
		channel string
		text    string
		code    bot.Code
		parts   []string
	}{
		{"unbalanced quotes", "", `declare sev2 "Checkout down`, bot.CodeInvalid,
			[]string{`unbalanced quote " at position 14`}},
		{"unbalanced single quote", "C1", `note 'tis broken`, bot.CodeInvalid, []string{`unbalanced quote ' at position 6`}},
		{"unknown subcommand", "", "ackk INC-1", bot.CodeInvalid,
			[]string{`unknown command "ackk" (did you mean "ack"?)`, "commands: declare, ack, status"}},
		{"unknown subcommand far from any", "", "frobnicate", bot.CodeInvalid, []string{`unknown command "frobnicate"; commands:`}},
		{"key first, unknown incident", "", `INC-999 ack`, bot.CodeNotFound, []string{"INC-999 does not exist"}},
		{"key first, command without incident", "", `INC-1 list`, bot.CodeInvalid, []string{"list is not about one incident"}},
		{"unknown action subcommand", "C1", "action remove 1", bot.CodeInvalid,
			[]string{`unknown action command "remove"`, "/incident action add TEXT"}},
		{"sev 9", "C1", "sev 9", bot.CodeInvalid,
			[]string{`severity "9" is not one of sev1, sev2, sev3, sev4`, "\nusage: /incident sev 1-4"}},
		{"sev missing", "C1", "sev", bot.CodeInvalid, []string{"name one severity", "usage: /incident sev 1-4"}},
		{"declare sev9", "", "declare sev9 Disk full", bot.CodeInvalid, []string{`severity "sev9" is not one of`}},
		{"unknown incident", "", "ack INC-999", bot.CodeNotFound, []string{"INC-999 does not exist"}},
		{"unknown incident for show", "", "show INC-999", bot.CodeNotFound, []string{"INC-999 does not exist"}},
		{"which incident", "", "ack", bot.CodeInvalid,
			[]string{"which incident? write `/incident ack INC-42`, or run it in the incident's channel"}},
		{"which incident with text", "", "update Failover done", bot.CodeInvalid,
			[]string{"which incident? write `/incident update INC-42 ...`", "usage: /incident update"}},
		{"channel without incident", "C-random", "timeline", bot.CodeInvalid, []string{"which incident?"}},
		{"invalid transition", "", "status INC-2 identified", bot.CodeConflict,
			[]string{"INC-2 is resolved and cannot move to identified; allowed: investigating, closed"}},
		{"ack twice", "", "ack INC-2", bot.CodeConflict, []string{"INC-2 is resolved and cannot move to acknowledged"}},
		{"closed is final", "", "reopen INC-3", bot.CodeConflict, []string{"INC-3 is closed; only a resolved incident can be reopened"}},
		{"bad status word", "C1", "status fixed", bot.CodeInvalid, []string{`status "fixed" is not one of`}},
		{"page not configured", "C1", "page payments Checkout is down", bot.CodeNotConfigured,
			[]string{"paging is not configured: set PAGERDUTY_TOKEN and PAGERDUTY_ROUTING_KEY"}},
		{"ticket not configured", "C1", "ticket", bot.CodeNotConfigured, []string{"tickets are not configured: set JIRA_URL"}},
		{"oncall not configured", "", "/oncall", bot.CodeNotConfigured, []string{"on-call lookup is not configured: set PAGERDUTY_TOKEN"}},
		{"digest not configured", "", "digest 7d", bot.CodeNotConfigured, []string{"digests are not configured"}},
		{"postmortem not configured", "C1", "postmortem", bot.CodeNotConfigured, []string{"postmortem drafts are not configured"}},
		{"maintenance not configured", "", "maintenance start 2h service=payments", bot.CodeNotConfigured,
			[]string{"maintenance windows are not configured"}},
		{"100,000-character input", "", "declare " + strings.Repeat("a", 100_000), bot.CodeInvalid,
			[]string{"the command is 100008 bytes long; the limit is 10000"}},
		{"no title", "", "declare sev2 --service payments", bot.CodeInvalid,
			[]string{"a title is required", "\nusage: /incident declare [sev1-4] TITLE"}},
		{"title of invisible characters only", "", "declare \u200b\u202e\x00", bot.CodeInvalid, []string{"a title is required"}},
		{"unknown flag", "", "declare Disk full --sevrity 1", bot.CodeInvalid,
			[]string{"unknown flag --sevrity; declare takes --service, --private, --summary, --impact, --commander"}},
		{"flag without value", "", "declare Disk full --service", bot.CodeInvalid, []string{"--service needs a value"}},
		{"flag twice", "", "declare Disk full --service a --service b", bot.CodeInvalid, []string{"--service is given twice"}},
		{"boolean flag with a value", "", "declare Disk full --private=maybe", bot.CodeInvalid, []string{"--private is on or off"}},
		{"commander @channel", "", "declare Disk full --commander @channel", bot.CodeInvalid, []string{"@channel is not a person"}},
		{"role @here", "C1", "role commander @here", bot.CodeInvalid, []string{"@here is not a person"}},
		{"unknown role", "C1", "role janitor @bob", bot.CodeInvalid,
			[]string{`role "janitor" is not one of commander, communications, scribe, liaison`}},
		{"role without person", "C1", "role commander", bot.CodeInvalid, []string{"name a role and a person"}},
		{"same role holder", "", "role INC-4 commander @bob", bot.CodeConflict, []string{"bob is already commander of INC-4"}},
		{"ack with arguments", "C1", "ack now please", bot.CodeInvalid, []string{`ack takes no arguments, got "now please"`}},
		{"update without text", "C1", "update --status investigating", bot.CodeInvalid, []string{"an update needs text"}},
		{"note without text", "C1", "note", bot.CodeInvalid, []string{"a note needs text"}},
		{"update on closed", "", "update INC-3 still broken", bot.CodeConflict, []string{"INC-3 is closed; reopen it to post updates"}},
		{"bad due date", "C1", "action add Fix it due:someday", bot.CodeInvalid, []string{`due date "someday" is not a date`}},
		{"due date in the past", "C1", "action add Fix it due:2020-01-01", bot.CodeInvalid, []string{"due date 2020-01-01T23:59:59Z is in the past"}},
		{"two due dates", "C1", "action add Fix it due:tomorrow due:friday", bot.CodeInvalid, []string{"give one due date"}},
		{"bad action kind", "C1", "action add Fix it --kind cosmetic", bot.CodeInvalid, []string{`action kind "cosmetic" is not one of`}},
		{"action without text", "C1", "action add @bob", bot.CodeInvalid, []string{"an action item needs text"}},
		{"unknown action item", "C1", "action done 7", bot.CodeNotFound, []string{"INC-1 has no action item #7"}},
		{"action number not a number", "C1", "action done seven", bot.CodeInvalid, []string{`"seven" is not a number: name the action item by its number`}},
		{"bad field", "C1", "edit colour red", bot.CodeInvalid, []string{`field "colour" is not one of title, summary, impact, service`}},
		{"empty title edit", "C1", `edit title ""`, bot.CodeInvalid, []string{"a title cannot be empty"}},
		{"bad time field", "C1", "time fixed now", bot.CodeInvalid, []string{`time "fixed" is not one of started`}},
		{"bad time", "C1", "time started 25:99", bot.CodeInvalid, []string{`time "25:99" is not a time`}},
		{"future time", "C1", "time started 2027-01-01T00:00Z", bot.CodeInvalid, []string{"started time 2027-01-01T00:00:00Z is in the future"}},
		{"time by a non-commander", "", "time INC-4 started now", bot.CodeForbidden, []string{"only the commander (bob) can edit the times of INC-4"}},
		{"list both filters", "", "list --all --status resolved", bot.CodeInvalid, []string{"--all and --status exclude each other"}},
		{"list bad status", "", "list --status bogus", bot.CodeInvalid, []string{`status "bogus" is not one of`}},
		{"help for unknown command", "", "help frobnicate", bot.CodeInvalid, []string{`unknown command "frobnicate"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.snapshot()
			rep, err := e.in(tt.channel, tt.text)
			wantErr(t, err, tt.code, tt.parts...)
			t.Logf("%s: %s", bot.ErrorCode(err), bot.ErrorMessage(err))
			if rep != (commands.Reply{}) {
				t.Errorf("an error came with a reply: %+v", rep)
			}
			e.unchanged(before)
		})
	}
}

// TestMeWithoutUser: @me needs a user to stand for.
func TestMeWithoutUser(t *testing.T) {
	e := newEnv(t, commands.Config{})
	inc := e.declare("Disk full")
	before := e.snapshot()
	_, err := e.r.Dispatch(e.ctx, commands.Request{Text: "role " + inc.Key() + " commander @me", Platform: "api"})
	wantErr(t, err, bot.CodeInvalid, "@me needs to know who you are")
	e.unchanged(before)
}

// TestDeclareWithoutArguments asks for the form and changes nothing.
func TestDeclareWithoutArguments(t *testing.T) {
	e := newEnv(t, commands.Config{})
	before := e.snapshot()
	for _, text := range []string{"/incident declare", "declare", "  incident   declare  "} {
		rep, err := e.run(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if rep.Form != "declare" || !rep.Ephemeral || !strings.HasPrefix(rep.Text, "usage: /incident declare [sev1-4] TITLE") {
			t.Errorf("%q replied %+v", text, rep)
		}
	}
	e.unchanged(before)
}

// TestUntrustedTitles: hostile titles are stored sanitised, never refused.
func TestUntrustedTitles(t *testing.T) {
	e := newEnv(t, commands.Config{})
	tests := []struct {
		name string
		text string
		want string
	}{
		{"NUL", "declare Disk\x00 full", "Disk full"},
		{"invalid UTF-8", "declare Bad \xff\xfe bytes", "Bad \uFFFD bytes"},
		{"zero-width characters", "declare Zero\u200bwidth\ufeff title", "Zerowidth title"},
		{"bidi overrides", "declare \u202eevil\u202c and \u2066isolated\u2069", "evil and isolated"},
		{"newlines typed between words", "declare Line one\nLine two\r\n\nthree", "Line one Line two three"},
		{"newlines inside quotes", "declare \"Line one\n\nLine two\"", "Line one Line two"},
		{"slack broadcast", "declare <!channel> Checkout down", "<!channel> Checkout down"},
		{"html", `declare <script>alert(1)</script> & more`, `<script>alert(1)</script> & more`},
		{"long title capped", "declare " + strings.Repeat("x", 5000), strings.Repeat("x", bot.MaxTitleLen)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := e.run(tt.text)
			if err != nil {
				t.Fatalf("%q: %v", tt.text, err)
			}
			got := e.get(rep.Incident.Number)
			if got.Title != tt.want {
				t.Errorf("stored title %q, want %q", got.Title, tt.want)
			}
		})
	}
}
