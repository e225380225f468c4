package bot_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// drained drains the outbox and returns the messages of effect.
func (e *insightsEnv) drained(t *testing.T, effect bot.Effect) []bot.Message {
	t.Helper()
	jobs, err := e.store.Claim(e.ctx, "test", "", e.clock.Now().Add(time.Hour), time.Minute, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return e.drainEffect(t, jobs, effect)
}

// TestProblemActionReminders: a day before, when due, then weekly, four
// in all, each once however often the scheduler runs; none for a done
// item. An owner who is a chat user gets them as direct messages; one who
// is not is named in an announcement.
func TestProblemActionReminders(t *testing.T) {
	e := newInsightsEnv(t, bot.InsightsConfig{})
	pr := e.svc.Problems()
	p, err := pr.Create(e.ctx, "alice", "Disks fill up", bot.ProblemChange{})
	if err != nil {
		t.Fatal(err)
	}
	due := e.clock.Now().Add(3 * 24 * time.Hour)
	for _, in := range []struct{ title, owner string }{{"Rotate logs", "@dave"}, {"Buy disks", "@dave"}, {"Add alerts", "<@U0ERIN>"}} {
		if _, err := pr.AddAction(e.ctx, "alice", p.Number, bot.ActionInput{Title: in.title, Owner: in.owner, Due: &due}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pr.CompleteAction(e.ctx, "dave", p.Number, 2); err != nil {
		t.Fatal(err)
	}
	e.drained(t, bot.EffectAnnounce)
	fire := func() int {
		n, err := e.svc.FireProblemReminders(e.ctx, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	var got, dms []string
	for range 6 * 24 * 4 { // 24 days in 6-hour steps
		if fire() > 0 {
			jobs, err := e.store.Claim(e.ctx, "test", "", e.clock.Now().Add(time.Hour), time.Minute, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range jobs {
				var p bot.DirectPayload
				if err := json.Unmarshal(j.Payload, &p); err != nil {
					t.Fatal(err)
				}
				switch j.Kind.Effect() {
				case bot.EffectAnnounce:
					got = append(got, p.Message.Text)
				case bot.EffectDirect:
					dms = append(dms, p.User+": "+p.Message.Text)
				}
				if err := e.store.Complete(e.ctx, j.ID, "test"); err != nil {
					t.Fatal(err)
				}
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
	if len(dms) != 4 || !strings.HasPrefix(dms[0], "U0ERIN: Your action item #3 of PRB-1 is due ") || !strings.Contains(dms[1], "is overdue since") {
		t.Errorf("direct messages:\n%s", strings.Join(dms, "\n"))
	}
	off := newInsightsEnv(t, bot.InsightsConfig{Off: true})
	if n, err := off.svc.FireProblemReminders(off.ctx, off.clock.Now()); n != 0 || err != nil {
		t.Errorf("reminders off: %d, %v", n, err)
	}
}
