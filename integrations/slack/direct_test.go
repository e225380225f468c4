package slack_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// TestOverdueActionItemIsADirectMessage: an overdue action item reminds
// its owner in a direct message that names the item, the incident and the
// due date; the incident channel gets a short note, not the nag.
func TestOverdueActionItemIsADirectMessage(t *testing.T) {
	// The Service's clock runs days behind the wall clock, so that every
	// job it writes is due for the outbox worker.
	clock := testkit.NewClock(time.Now().Add(-7 * 24 * time.Hour))
	s := newStack(t, options{clock: clock})
	ctx := context.Background()
	inc, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Disk full", Severity: bot.SEV3, Actor: "U0ALICE"})
	if err != nil {
		t.Fatal(err)
	}
	due := s.svc.Now().Add(24 * time.Hour)
	if _, err := s.svc.AddAction(ctx, inc.Number, "U0ALICE", bot.ActionInput{Title: "Add disk alerts", Owner: "U0BOB", Due: &due}); err != nil {
		t.Fatal(err)
	}
	s.drain()
	clock.Advance(25 * time.Hour) // an hour overdue
	if n, err := s.svc.FireReminders(ctx, clock.Now(), 0); err != nil || n == 0 {
		t.Fatalf("fired %d reminders, %v", n, err)
	}
	s.drain()
	dm := s.messages("DU0BOB")
	if len(dm) == 0 {
		t.Fatal("bob has no direct message")
	}
	text := dm[len(dm)-1].Text + string(dm[len(dm)-1].Blocks)
	for _, want := range []string{"Add disk alerts", inc.Key(), "overdue since " + due.Format(time.DateOnly)} {
		if !strings.Contains(text, want) {
			t.Errorf("the direct message lacks %q: %s", want, text)
		}
	}
	var note bool
	for _, m := range s.messages(s.channel(inc.Number).ID) {
		all := m.Text + string(m.Blocks)
		if strings.Contains(all, "Reminded @U0BOB of action item #1") {
			note = true
		}
		if strings.Contains(all, "Mark it done") {
			t.Errorf("the room got the nag: %s", all)
		}
	}
	if !note {
		t.Error("the incident channel has no note of the reminder")
	}
}
