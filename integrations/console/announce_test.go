package console_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/console"
	"github.com/warroom/warroom/internal/testkit"
)

// A maintenance window's announcement (a job with no incident) lands in the
// announcement channel and the console renders it.
func TestMaintenanceAnnouncement(t *testing.T) {
	s := newStack(t, console.Config{})
	w, err := s.svc.Maintenance().Start(context.Background(), bot.MaintenanceWindow{
		Matchers: []bot.Matcher{{Name: "service", Op: "=", Value: "db"}}, EndsAt: time.Now().Add(time.Hour), CreatedBy: "alice",
	})
	if err != nil {
		t.Fatal(err)
	}
	s.deliver(t)
	ms := messages(t, s, console.DefaultAnnounce)
	if len(ms) != 1 || !strings.Contains(string(ms[0].Body), "Maintenance window #1 started") || ms[0].Incident != 0 {
		t.Fatalf("announcement channel holds %+v", ms)
	}
	res := s.request(t, "GET", "/console/poll?channel="+console.DefaultAnnounce, "", nil)
	if res.status != 200 || !strings.Contains(res.body, "Maintenance window #1 started") {
		t.Errorf("poll: %d %s", res.status, res.body)
	}
	if _, err := s.svc.Maintenance().End(context.Background(), w.ID, "bob"); err != nil {
		t.Fatal(err)
	}
	s.deliver(t)
	if ms := messages(t, s, console.DefaultAnnounce); len(ms) != 2 || !strings.Contains(string(ms[1].Body), "ended") {
		t.Errorf("after the end: %+v", ms)
	}
}

// A message for the managers' channel (the last escalation level) lands in
// that channel, not in the console's announcement feed.
func TestManagersMessageStaysOutOfTheAnnouncementFeed(t *testing.T) {
	s := newStack(t, console.Config{}, testkit.WithConfig(bot.Config{
		Escalation: bot.EscalationConfig{Levels: []int{1, 2}, Managers: "#sre-managers"}}))
	ctx := context.Background()
	inc, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Checkout down", Severity: bot.SEV1, Actor: "alice", Commander: "carol"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.svc.ArmTimers(ctx, inc.Number); err != nil {
		t.Fatal(err)
	}
	s.deliver(t)
	before := len(messages(t, s, console.DefaultAnnounce))
	for _, at := range []time.Duration{6 * time.Minute, 11 * time.Minute} {
		if _, err := s.svc.Escalate(ctx, s.svc.Now().Add(at), 0); err != nil {
			t.Fatal(err)
		}
		s.deliver(t)
	}
	ms := messages(t, s, "sre-managers")
	if len(ms) != 1 || !strings.Contains(string(ms[0].Body), "escalation level 2 (the last level)") {
		t.Fatalf("managers' channel holds %+v", ms)
	}
	for _, m := range messages(t, s, console.DefaultAnnounce)[before:] {
		if strings.Contains(string(m.Body), "the last level") {
			t.Errorf("the managers' message is in the announcement feed: %s", m.Body)
		}
	}
	// the console shows the managers' channel, in the sidebar and on its own
	res := s.request(t, "GET", "/console/poll?channel=sre-managers", "", nil)
	if res.status != 200 || !strings.Contains(res.body, "the last level") || !strings.Contains(res.body, "/channels/sre-managers") {
		t.Errorf("poll of the managers' channel: %d %s", res.status, res.body)
	}
	if res := s.request(t, "GET", "/console/poll?channel="+console.DefaultAnnounce, "", nil); strings.Contains(res.body, "the last level") {
		t.Errorf("the announcement feed shows the managers' message: %s", res.body)
	}
}
