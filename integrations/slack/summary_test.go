package slack_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// TestWeeklyOverdueSummaryIsADirectMessage: the weekly summary reaches
// each owner as one Slack direct message listing their overdue items with
// incident and due date; the room gets a short note.
func TestWeeklyOverdueSummaryIsADirectMessage(t *testing.T) {
	clock := testkit.NewClock(time.Now().Add(-30 * 24 * time.Hour))
	s := newStack(t, options{clock: clock})
	ctx := context.Background()
	inc, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Disk full", Severity: bot.SEV3, Actor: "U0ALICE"})
	if err != nil {
		t.Fatal(err)
	}
	due := s.svc.Now().Add(24 * time.Hour)
	for _, title := range []string{"Add disk alerts", "Rotate logs"} {
		if _, err := s.svc.AddAction(ctx, inc.Number, "U0ALICE", bot.ActionInput{Title: title, Owner: "U0BOB", Due: &due}); err != nil {
			t.Fatal(err)
		}
	}
	s.drain()
	clock.Advance(7 * 24 * time.Hour)
	if n, err := s.svc.SendOverdueSummaries(ctx, clock.Now(), "test"); err != nil || n != 1 {
		t.Fatalf("sent %d summaries, %v", n, err)
	}
	s.drain()
	dm := s.messages("DU0BOB")
	if len(dm) != 1 {
		t.Fatalf("bob has %d direct messages, want the one summary", len(dm))
	}
	text := dm[0].Text + string(dm[0].Blocks)
	for _, want := range []string{"Your overdue action items: 2", "Add disk alerts", "Rotate logs", inc.Key(), "due " + due.Format(time.DateOnly)} {
		if !strings.Contains(text, want) {
			t.Errorf("the summary lacks %q: %s", want, text)
		}
	}
	var note bool
	for _, m := range s.messages(s.channel(inc.Number).ID) {
		if strings.Contains(m.Text+string(m.Blocks), "weekly summary of their overdue action items (#1, #2)") {
			note = true
		}
	}
	if !note {
		t.Error("the incident channel has no note of the summary")
	}
}

// TestSLAReminderIsADirectMessageToTheCommander: a process-SLA reminder
// also reaches the commander in a direct message naming the incident and
// the due time.
func TestSLAReminderIsADirectMessageToTheCommander(t *testing.T) {
	clock := testkit.NewClock(time.Now().Add(-7 * 24 * time.Hour))
	s := newStack(t, options{clock: clock, escalate: bot.EscalationConfig{Off: true}})
	ctx := context.Background()
	inc, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Checkout down", Severity: bot.SEV2, Actor: "U0ALICE", Commander: "U0CAROL"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.svc.ArmTimers(ctx, inc.Number); err != nil {
		t.Fatal(err)
	}
	s.drain()
	clock.Advance(time.Hour) // past SEV2's acknowledge reminder and breach
	if n, err := s.svc.FireReminders(ctx, clock.Now(), 0); err != nil || n == 0 {
		t.Fatalf("fired %d reminders, %v", n, err)
	}
	s.drain()
	var texts []string
	for _, m := range s.messages("DU0CAROL") {
		texts = append(texts, m.Text+string(m.Blocks))
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"SLA breached: " + inc.Key(), "target to acknowledge", "Due"} {
		if !strings.Contains(all, want) {
			t.Errorf("carol's direct messages lack %q: %s", want, all)
		}
	}
}
