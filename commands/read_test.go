package commands_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

func TestDeclareForms(t *testing.T) {
	e := newEnv(t, commands.Config{})
	tests := []struct {
		text    string
		title   string
		sev     bot.Severity
		private bool
		cmd     string
	}{
		{"declare S3 bucket is public", "S3 bucket is public", bot.SEV3, false, ""},
		// whoever declares a private incident takes command of it, so that
		// it stays visible to them
		{"declare SEV1 Payments down --private", "Payments down", bot.SEV1, true, "alice"},
		{"declare --private sev4 Flaky test", "Flaky test", bot.SEV4, true, "alice"},
		{`declare "sev1" is a word here`, "sev1 is a word here", bot.SEV3, false, ""},
		{"declare sev2 Disk full --commander=@me --private=false", "Disk full", bot.SEV2, false, "alice"},
		{"new sev2 Ask @bob about INC-3 due:tomorrow", "Ask @bob about INC-3 due:tomorrow", bot.SEV2, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			rep := e.must(tt.text)
			got := e.get(rep.Incident.Number)
			if got.Title != tt.title || got.Severity != tt.sev || got.Private != tt.private || got.Commander() != tt.cmd {
				t.Errorf("stored %q %s private=%v commander=%q; want %q %s %v %q",
					got.Title, got.Severity, got.Private, got.Commander(), tt.title, tt.sev, tt.private, tt.cmd)
			}
			if got.Source != "manual" || rep.Message == nil || rep.Message.Incident != got.Number {
				t.Errorf("source %q, card %+v", got.Source, rep.Message)
			}
		})
	}
}

func TestListLimitAndOrder(t *testing.T) {
	e := newEnv(t, commands.Config{})
	for i := range 52 {
		e.declare(fmt.Sprintf("Incident %d", i+1))
	}
	e.clock.Advance(90 * time.Minute)
	rep := e.must("ls")
	lines := strings.Split(rep.Text, "\n")
	if lines[0] != "The 50 newest open incidents:" || len(lines) != 52 {
		t.Fatalf("list header %q, %d lines", lines[0], len(lines))
	}
	if want := "INC-52  SEV3  triggered  1h30m  Incident 52"; lines[2] != want {
		t.Errorf("first row %q, want %q", lines[2], want)
	}
}

func TestActionListOverdue(t *testing.T) {
	e := newEnv(t, commands.Config{})
	inc := e.declare("Disk full")
	e.must("action add " + inc.Key() + " Add disk alerts @bob due:today")
	e.must("action add " + inc.Key() + " Write runbook due:+12h --kind=detective")
	e.clock.Advance(13 * time.Hour) // past both
	rep := e.must("action list " + inc.Key())
	want := "Action items of INC-1 (2 overdue):\n" +
		"#  STATUS  KIND        OWNER  DUE                           TITLE\n" +
		"1  open    corrective  @bob   2026-11-22 OVERDUE            Add disk alerts\n" +
		"2  open    detective   -      2026-11-23 00:00:00Z OVERDUE  Write runbook"
	if rep.Text != want {
		t.Errorf("action list =\n%s\nwant\n%s", rep.Text, want)
	}
	e.must("action done " + inc.Key() + " 1")
	_, err := e.run("action done " + inc.Key() + " 1")
	wantErr(t, err, bot.CodeConflict, "action item #1 of INC-1 is already done")
}

func TestTimelineShowsNewestEntries(t *testing.T) {
	e := newEnv(t, commands.Config{})
	inc := e.declare("Chatty")
	for i := range 105 {
		if _, err := e.svc.AddNote(e.ctx, inc.Number, "bob", fmt.Sprintf("note %d", i+1)); err != nil {
			t.Fatal(err)
		}
	}
	rep := e.must("timeline " + inc.Key())
	lines := strings.Split(rep.Text, "\n")
	if lines[0] != "Timeline of INC-1: (the 100 newest of 106 entries)" || len(lines) != 101 {
		t.Fatalf("header %q, %d lines", lines[0], len(lines))
	}
	if lines[100] != "2026-11-22 12:00:00Z  bob  note 105" {
		t.Errorf("last line %q", lines[100])
	}
}
