package bot_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// directs drains the outbox and returns the direct messages, by user, and
// the room posts.
func (e *insightsEnv) directs(t *testing.T) (map[string][]bot.Message, []bot.Message) {
	t.Helper()
	dms := map[string][]bot.Message{}
	var posts []bot.Message
	for {
		jobs, err := e.store.Claim(e.ctx, "test", "", e.clock.Now().Add(time.Hour), time.Minute, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 0 {
			return dms, posts
		}
		for _, j := range jobs {
			switch j.Kind.Effect() {
			case bot.EffectDirect:
				var p bot.DirectPayload
				if err := json.Unmarshal(j.Payload, &p); err != nil {
					t.Fatal(err)
				}
				dms[p.User] = append(dms[p.User], p.Message)
			case bot.EffectPost:
				var p bot.PostPayload
				if err := json.Unmarshal(j.Payload, &p); err != nil {
					t.Fatal(err)
				}
				posts = append(posts, p.Message)
			}
			if err := e.store.Complete(e.ctx, j.ID, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestWeeklyOverdueSummary: each owner of overdue action items gets one
// direct message per summary slot listing them with their incidents and
// due dates, however often (and by however many replicas) the slot is run;
// the rooms get a short note; an owner who is no chat user gets none.
func TestWeeklyOverdueSummary(t *testing.T) {
	e := newInsightsEnv(t, bot.InsightsConfig{Off: true})
	day := func(d int) *time.Time { v := e.clock.Now().Add(time.Duration(d) * 24 * time.Hour); return &v }
	a, err := e.svc.Declare(e.ctx, bot.DeclareInput{Title: "Checkout slow", Severity: bot.SEV2, Actor: "U0ALICE"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.svc.Declare(e.ctx, bot.DeclareInput{Title: "Queue stuck", Severity: bot.SEV3, Actor: "U0ALICE"})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []struct {
		inc   int64
		title string
		owner string
		due   *time.Time
	}{
		{a.Number, "Add a retry budget", "U0BOB", day(2)},
		{b.Number, "Alert on queue age", "U0BOB", day(3)},
		{b.Number, "Not yet due", "U0BOB", day(30)},
		{a.Number, "Write the runbook", "U0CAROL", day(1)},
		{a.Number, "No chat user", "dave", day(1)},
	} {
		if _, err := e.svc.AddAction(e.ctx, in.inc, "U0ALICE", bot.ActionInput{Title: in.title, Owner: in.owner, Due: in.due}); err != nil {
			t.Fatal(err)
		}
	}
	e.directs(t)
	slot := e.clock.Now().Add(7 * 24 * time.Hour)
	e.clock.Set(slot.Add(time.Minute))
	for range 2 { // a second replica, or the next tick: nothing more
		if _, err := e.svc.SendOverdueSummaries(e.ctx, slot, "test"); err != nil {
			t.Fatal(err)
		}
	}
	dms, posts := e.directs(t)
	if len(dms["U0BOB"]) != 1 || len(dms["U0CAROL"]) != 1 || len(dms) != 2 {
		t.Fatalf("direct messages %v; want one each to U0BOB and U0CAROL", dms)
	}
	bob := dms["U0BOB"][0]
	for _, want := range []string{"Your overdue action items: 2", "INC-1 #1: Add a retry budget (due ", "INC-2 #1: Alert on queue age"} {
		if !strings.Contains(bob.Title+"\n"+bob.Text, want) {
			t.Errorf("bob's summary lacks %q:\n%s\n%s", want, bob.Title, bob.Text)
		}
	}
	if strings.Contains(bob.Text, "Not yet due") {
		t.Errorf("bob's summary lists an item not due: %s", bob.Text)
	}
	notes := 0
	for _, p := range posts {
		if strings.Contains(p.Text, "weekly summary of their overdue action items") {
			notes++
			if strings.Contains(p.Text, "retry budget") {
				t.Errorf("the room note carries the nag: %q", p.Text)
			}
		}
	}
	if notes != 3 { // bob's in INC-1 and INC-2, carol's in INC-1
		t.Errorf("%d room notes, want 3: %v", notes, posts)
	}

	// The next week's slot sends again.
	next := slot.Add(7 * 24 * time.Hour)
	e.clock.Set(next)
	if n, err := e.svc.SendOverdueSummaries(e.ctx, next, "test"); err != nil || n != 2 {
		t.Errorf("next week: %d sent, %v; want 2", n, err)
	}
}

// TestSLARemindersReachTheCommander: a process-SLA reminder and breach also
// go to the commander as direct messages with the incident and due time.
func TestSLARemindersReachTheCommander(t *testing.T) {
	e := newInsightsEnv(t, bot.InsightsConfig{})
	inc, err := e.svc.Declare(e.ctx, bot.DeclareInput{Title: "Checkout slow", Severity: bot.SEV2, Actor: "U0ALICE", Commander: "U0CAROL"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.ArmTimers(e.ctx, inc.Number); err != nil {
		t.Fatal(err)
	}
	e.directs(t)
	start := e.clock.Now()
	e.clock.Set(start.Add(13 * time.Minute))
	e.fire(t)
	dms, posts := e.directs(t)
	if len(dms["U0CAROL"]) != 1 || len(posts) != 1 {
		t.Fatalf("reminder: directs %v, posts %v", dms, posts)
	}
	m := dms["U0CAROL"][0]
	due := start.Add(15 * time.Minute).UTC().Format("2006-01-02 15:04 MST")
	if !strings.Contains(m.Text, "acknowledge INC-1 (15m) passes in 3m") || m.Incident != inc.Number ||
		len(m.Fields) != 2 || m.Fields[1].Value != due {
		t.Errorf("the commander's reminder: %+v; want due %s", m, due)
	}
	e.clock.Set(start.Add(16 * time.Minute))
	e.fire(t)
	dms, _ = e.directs(t)
	if len(dms["U0CAROL"]) != 1 || !strings.Contains(dms["U0CAROL"][0].Text, "was missed") {
		t.Errorf("breach: directs %v", dms)
	}
}
