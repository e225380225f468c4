package slack_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// TestEscalationMentionsForReal: an unacknowledged SEV1 escalates with a
// message that mentions the commander (<@U…>) and the configured on-call
// user group (<!subteam^S…>) so that they are notified, while a plain
// @name stays text.
func TestEscalationMentionsForReal(t *testing.T) {
	s := newStack(t, options{escalate: bot.EscalationConfig{Mention: []string{"<!subteam^S0ONCALL|@oncall>", "@sre-lead"}}})
	ctx := context.Background()
	inc, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Checkout down", Severity: bot.SEV1, Actor: "U0ALICE", Commander: "U0CAROL"})
	if err != nil {
		t.Fatal(err)
	}
	s.drain()
	if err := s.svc.ArmTimers(ctx, inc.Number); err != nil { // the scheduler's tick
		t.Fatal(err)
	}
	if n, err := s.svc.Escalate(ctx, s.svc.Now().Add(6*time.Minute), 0); err != nil || n != 1 {
		t.Fatalf("escalated %d, %v; want 1", n, err)
	}
	s.drain()
	ch := s.channel(inc.Number).ID
	var found bool
	for _, m := range s.messages(ch) {
		all := m.Text + string(m.Blocks)
		if !strings.Contains(all, "escalation level 1") {
			continue
		}
		found = true
		for _, want := range []string{"<@U0CAROL>", "<!subteam^S0ONCALL>", "@sre-lead"} {
			if !strings.Contains(all, want) {
				t.Errorf("the escalation lacks %q: %s", want, all)
			}
		}
		if !strings.Contains(m.Text, "<@U0CAROL>") {
			t.Errorf("the notification text does not mention the commander: %q", m.Text)
		}
		if strings.Contains(all, "&lt;@U0CAROL&gt;") {
			t.Errorf("the commander's mention is escaped: %s", all)
		}
	}
	if !found {
		t.Fatalf("no escalation message in the incident channel: %+v", s.messages(ch))
	}
}

// TestLastLevelReachesManagers: the last escalation level also goes to the
// managers' channel.
func TestLastLevelReachesManagers(t *testing.T) {
	s := newStack(t, options{escalate: bot.EscalationConfig{Levels: []int{1, 2}, Managers: "#sre-managers"}})
	s.fake.AddChannel("C0MANAGERS", "sre-managers")
	ctx := context.Background()
	inc, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Checkout down", Severity: bot.SEV1, Actor: "U0ALICE", Commander: "U0CAROL"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.svc.ArmTimers(ctx, inc.Number); err != nil {
		t.Fatal(err)
	}
	for i, at := range []time.Duration{6 * time.Minute, 11 * time.Minute} {
		if _, err := s.svc.Escalate(ctx, s.svc.Now().Add(at), 0); err != nil {
			t.Fatal(err)
		}
		s.drain()
		msgs := s.messages("C0MANAGERS")
		if want := i; len(msgs) != want { // level 1: nothing; level 2 (the last): one
			t.Fatalf("after level %d the managers' channel has %d messages, want %d: %+v", i+1, len(msgs), want, msgs)
		}
	}
	if m := s.messages("C0MANAGERS")[0]; !strings.Contains(string(m.Blocks), "escalation level 2 (the last level)") {
		t.Errorf("managers' message: %s", m.Blocks)
	}
}
