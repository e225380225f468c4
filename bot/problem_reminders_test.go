package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// announcements drains the outbox and returns the announced messages.
func (e *insightsEnv) announcements(t *testing.T) []bot.Message {
	t.Helper()
	jobs, err := e.store.Claim(e.ctx, "test", "", e.clock.Now().Add(time.Hour), time.Minute, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return e.drainEffect(t, jobs, bot.EffectAnnounce)
}

// TestProblemActionReminders: a day before, when due, then weekly, four
// in all, each once however often the scheduler runs; none for a done item.
func TestProblemActionReminders(t *testing.T) {
	e := newInsightsEnv(t, bot.InsightsConfig{})
	pr := e.svc.Problems()
	p, err := pr.Create(e.ctx, "alice", "Disks fill up", bot.ProblemChange{})
	if err != nil {
		t.Fatal(err)
	}
	due := e.clock.Now().Add(3 * 24 * time.Hour)
	for _, title := range []string{"Rotate logs", "Buy disks"} {
		if _, err := pr.AddAction(e.ctx, "alice", p.Number, bot.ActionInput{Title: title, Owner: "@dave", Due: &due}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pr.CompleteAction(e.ctx, "dave", p.Number, 2); err != nil {
		t.Fatal(err)
	}
	e.announcements(t)
	fire := func() int {
		n, err := e.svc.FireProblemReminders(e.ctx, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	var got []string
	for range 6 * 24 * 4 { // 24 days in 6-hour steps
		if fire() > 0 {
			for _, m := range e.announcements(t) {
				got = append(got, m.Text)
			}
		}
		if fire() != 0 {
			t.Fatal("a reminder fired twice")
		}
		e.clock.Advance(6 * time.Hour)
	}
	if len(got) != 4 || !strings.Contains(got[0], "@dave: action item #1 of PRB-1 is due ") ||
		!strings.Contains(got[1], "is overdue since") || !strings.Contains(got[3], "/problem action done PRB-1 1") {
		t.Errorf("reminders:\n%s", strings.Join(got, "\n"))
	}
	off := newInsightsEnv(t, bot.InsightsConfig{Off: true})
	if n, err := off.svc.FireProblemReminders(off.ctx, off.clock.Now()); n != 0 || err != nil {
		t.Errorf("reminders off: %d, %v", n, err)
	}
}
