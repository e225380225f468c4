package slack_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func TestMaintenanceWindowsAreAnnouncedOnce(t *testing.T) {
	s := newStack(t, options{})
	m := s.svc.Maintenance()
	w, err := m.Start(context.Background(), bot.MaintenanceWindow{
		Matchers: []bot.Matcher{{Name: "service", Op: "=", Value: "db"}},
		EndsAt:   time.Now().Add(time.Hour), CreatedBy: "alice", Comment: "kernel upgrade <!channel>",
	})
	if err != nil {
		t.Fatal(err)
	}
	s.drain()
	if _, err := m.End(context.Background(), w.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	s.drain()
	s.drain() // nothing left to deliver twice
	msgs := s.messages(announceID)
	if len(msgs) != 2 {
		t.Fatalf("announcement channel has %d messages, want the start and the end: %+v", len(msgs), msgs)
	}
	all := msgs[0].Text + msgs[1].Text + string(msgs[0].Blocks) + string(msgs[1].Blocks)
	if strings.Contains(all, "<!channel>") {
		t.Errorf("the window's comment pinged: %s", all)
	}
	if dead, _ := s.store.DeadJobs(context.Background(), 10); len(dead) != 0 {
		t.Errorf("dead-lettered jobs: %+v", dead)
	}
}
