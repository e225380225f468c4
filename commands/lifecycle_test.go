package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// TestIncidentLife drives one incident through every incident command, as
// a responder would, and checks each reply and what was stored.
func TestIncidentLife(t *testing.T) {
	e := newEnv(t, commands.Config{})

	rep := e.must(`/incident declare sev2 Checkout latency above SLO --service payments --summary "p99 over 2s" --impact="EU customers" --commander @bob`)
	inc := rep.Incident
	if inc == nil || inc.Key() != "INC-1" || rep.Ephemeral || rep.Message == nil {
		t.Fatalf("declare reply = %+v", rep)
	}
	contains(t, rep.Text, "Declared INC-1 (SEV2): Checkout latency above SLO")
	if rep.Message.Title != "SEV2 INC-1: Checkout latency above SLO" {
		t.Errorf("card title %q", rep.Message.Title)
	}
	got := e.get(1)
	if got.Severity != bot.SEV2 || got.Service != "payments" || got.Summary != "p99 over 2s" ||
		got.Impact != "EU customers" || got.Commander() != "bob" || got.Private || got.Status != bot.StatusTriggered {
		t.Fatalf("stored incident = %+v", got)
	}
	if _, err := e.svc.LinkChannel(e.ctx, 1, "console", "C-inc-1"); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name      string
		channel   string // "" runs outside any channel
		text      string
		reply     string
		ephemeral bool
		check     func(t *testing.T, inc *bot.Incident, last bot.Entry)
	}{
		{"show in channel", "C-inc-1", "show", "SEV2 INC-1: Checkout latency above SLO", true, nil},
		{"ack with key", "", "ack INC-1", "INC-1 acknowledged by alice.", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if inc.Status != bot.StatusAcknowledged || inc.AcknowledgedAt == nil {
				t.Errorf("status %s, acknowledged %v", inc.Status, inc.AcknowledgedAt)
			}
		}},
		{"status", "C-inc-1", "status investigating", "INC-1 is now investigating (was acknowledged)", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if inc.Status != bot.StatusInvestigating {
				t.Errorf("status %s", inc.Status)
			}
		}},
		{"sev", "C-inc-1", "/incident sev 1", "INC-1 is now SEV1 (was SEV2)", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if inc.Severity != bot.SEV1 {
				t.Errorf("severity %s", inc.Severity)
			}
		}},
		{"update with status", "", "incident update INC-1 --status identified Bad deploy 1234\nRolling back", "Update posted on INC-1 (identified)", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if inc.Status != bot.StatusIdentified || inc.LastUpdateAt == nil {
				t.Errorf("status %s, last update %v", inc.Status, inc.LastUpdateAt)
			}
			if e := last; e.Kind != bot.EntryUpdate || e.Text != "Bad deploy 1234\nRolling back" {
				t.Errorf("last entry = %+v", e)
			}
		}},
		{"note", "C-inc-1", "note Rolled back deploy 1234 --force was needed", "Note added to the timeline of INC-1", true, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if e := last; e.Kind != bot.EntryNote || e.Text != "Rolled back deploy 1234 --force was needed" {
				t.Errorf("last entry = %+v", e)
			}
		}},
		{"role @me", "C-inc-1", "role scribe @me", "alice is now scribe of INC-1", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if inc.Roles["scribe"] != "alice" {
				t.Errorf("roles %v", inc.Roles)
			}
		}},
		{"role with key and slack mention", "", "role INC-1 comms <@U42|carol>", "U42 is now communications of INC-1", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if inc.Roles["communications"] != "U42" {
				t.Errorf("roles %v", inc.Roles)
			}
		}},
		{"configured role, either order", "C-inc-1", "role @dave liaison", "dave is now liaison of INC-1", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if inc.Roles["liaison"] != "dave" {
				t.Errorf("roles %v", inc.Roles)
			}
		}},
		{"take command", "C-inc-1", "role commander @me", "alice is now commander of INC-1", false, nil},
		{"edit title", "C-inc-1", `edit title "Checkout slow in EU"`, "Changed the title of INC-1 by alice.", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if inc.Title != "Checkout slow in EU" {
				t.Errorf("title %q", inc.Title)
			}
		}},
		{"edit summary empty clears", "C-inc-1", `edit summary ""`, "Changed the summary", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if inc.Summary != "" {
				t.Errorf("summary %q", inc.Summary)
			}
		}},
		{"time started", "C-inc-1", "time started 2026-11-22T11:30Z", "Set the started time of INC-1 to 2026-11-22 11:30:00Z", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if !inc.StartedAt.Equal(t0.Add(-30 * time.Minute)) {
				t.Errorf("started %v", inc.StartedAt)
			}
		}},
		{"time with a space", "C-inc-1", "time mitigated 2026-11-22 11:59", "Set the mitigated time of INC-1 to 2026-11-22 11:59:00Z", false, nil},
		{"time mitigated clock", "C-inc-1", "time mitigated 12:00", "Set the mitigated time of INC-1 to 2026-11-22 12:00:00Z", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if inc.MitigatedAt == nil || !inc.MitigatedAt.Equal(t0) {
				t.Errorf("mitigated %v", inc.MitigatedAt)
			}
		}},
		{"time mitigated none", "C-inc-1", "time mitigated none", "Cleared the mitigated time of INC-1", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if inc.MitigatedAt != nil {
				t.Errorf("mitigated %v", inc.MitigatedAt)
			}
		}},
		{"action add", "C-inc-1", "action add Add disk alerts for @erin's hosts @bob due:2026-12-01 --kind preventive",
			"Added action item #1 (preventive) to INC-1: Add disk alerts for @erin's hosts, owner @bob, due 2026-12-01.", false, nil},
		{"action add second", "", "action add INC-1 Review runbook", "Added action item #2 (corrective) to INC-1: Review runbook.", false, nil},
		{"action done", "C-inc-1", "action done #2", "Action item #2 of INC-1 is done by alice: Review runbook", false, nil},
		{"action list", "C-inc-1", "actions", "#  STATUS  KIND        OWNER  DUE         TITLE\n1  open    preventive  @bob   2026-12-01  Add disk alerts for @erin's hosts\n2  done    corrective  -      -           Review runbook", true, nil},
		{"timeline", "C-inc-1", "timeline", "Timeline of INC-1:\n2026-11-22 12:00:00Z  alice  Declared SEV2: Checkout latency above SLO\n", true, nil},
		{"list", "", "list", "1 open incident:\nKEY    SEV   STATUS      AGE  TITLE\nINC-1  SEV1  identified  21s  Checkout slow in EU", true, nil},
		{"resolve", "C-inc-1", "resolve Rolled back; p99 normal", "INC-1 resolved by alice after", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if inc.Status != bot.StatusResolved || inc.ResolvedAt == nil {
				t.Errorf("status %s resolved %v", inc.Status, inc.ResolvedAt)
			}
			if e := last; !strings.Contains(e.Text, "Rolled back; p99 normal") {
				t.Errorf("last entry %+v", e)
			}
		}},
		{"list default hides resolved", "", "list", "No open incidents.", true, nil},
		{"list --all", "", "list --all", "INC-1  SEV1  resolved", true, nil},
		{"list --status", "", "list --status resolved,closed", "1 incident that are resolved or closed", true, nil},
		{"reopen", "C-inc-1", "reopen", "INC-1 reopened by alice; it is investigating again.", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if inc.Status != bot.StatusInvestigating || inc.ResolvedAt != nil {
				t.Errorf("status %s resolved %v", inc.Status, inc.ResolvedAt)
			}
		}},
		{"resolve without summary", "", "resolve INC-1", "INC-1 resolved by alice", false, nil},
		{"close", "C-inc-1", "close", "INC-1 closed by alice.", false, func(t *testing.T, inc *bot.Incident, last bot.Entry) {
			if inc.Status != bot.StatusClosed || inc.ClosedAt == nil {
				t.Errorf("status %s closed %v", inc.Status, inc.ClosedAt)
			}
		}},
		{"show with key", "", "show INC-1", "Status: closed", true, nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			rep, err := e.in(st.channel, st.text)
			if err != nil {
				t.Fatalf("%q: %v", st.text, err)
			}
			if !strings.Contains(rep.Text, st.reply) {
				t.Errorf("%q replied %q, want it to contain %q", st.text, rep.Text, st.reply)
			}
			if rep.Ephemeral != st.ephemeral {
				t.Errorf("%q: ephemeral %v, want %v", st.text, rep.Ephemeral, st.ephemeral)
			}
			if rep.Incident == nil || rep.Incident.Number != 1 {
				if !strings.HasPrefix(st.text, "list") {
					t.Errorf("%q: reply incident %v, want INC-1", st.text, rep.Incident)
				}
			}
			if st.check != nil {
				st.check(t, e.get(1), e.lastEntry(1))
			}
		})
		e.clock.Advance(time.Second)
	}

	t.Run("audit holds every change", func(t *testing.T) {
		recs, err := e.svc.Audit(e.ctx, bot.AuditFilter{Incident: 1})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, r := range recs {
			actions[r.Action]++
		}
		for _, a := range []string{"declare", "status", "severity", "update", "note", "role", "edit", "time", "action_add", "action_done", "resolve", "reopen", "close"} {
			if actions[a] == 0 {
				t.Errorf("no audit record for %s; have %v", a, actions)
			}
		}
	})
}
