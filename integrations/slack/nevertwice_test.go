package slack_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/slack/slacktest"
)

// settle runs the worker until no job is left pending, polling with a
// deadline (retries are due after short real-time backoffs).
func (s *stack) settle() {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		s.drain()
		st, err := s.store.OutboxStats(context.Background(), time.Now().Add(time.Hour))
		if err != nil {
			s.t.Fatal(err)
		}
		if st.Pending == 0 {
			return
		}
		s.worker.Poke()
		if _, err := s.worker.RunOnce(context.Background()); err != nil {
			s.t.Fatal(err)
		}
	}
	s.t.Fatal("the outbox never settled")
}

// TestFaultsDeliverExactlyOnce: whatever fault meets the incident
// channel's create, the card's post or the announcement's post, once it
// clears there is exactly one channel, one card and one announcement.
func TestFaultsDeliverExactlyOnce(t *testing.T) {
	type inject func(f *slacktest.Server)
	transport := func(method, channel string, fault slacktest.Fault) inject {
		return func(f *slacktest.Server) { f.Inject(method, channel, fault, 1) }
	}
	answer := func(method, channel string, fl slacktest.Failure) inject {
		return func(f *slacktest.Server) { fl.Channel = channel; f.Fail(method, fl) }
	}
	faults := []struct {
		name string
		of   func(method, channel string) inject
	}{
		{"hang", func(m, c string) inject { return transport(m, c, slacktest.Hang) }},
		{"reset", func(m, c string) inject { return transport(m, c, slacktest.Reset) }},
		{"500", func(m, c string) inject { return transport(m, c, slacktest.Status500) }},
		{"work then 500", func(m, c string) inject { return transport(m, c, slacktest.WorkThen500) }},
		{"work then reset", func(m, c string) inject { return transport(m, c, slacktest.WorkThenReset) }},
		{"work then hang", func(m, c string) inject { return transport(m, c, slacktest.WorkThenHang) }},
		{"internal_error", func(m, c string) inject { return answer(m, c, slacktest.Failure{Error: "internal_error"}) }},
		{"429", func(m, c string) inject {
			return answer(m, c, slacktest.Failure{Status: http.StatusTooManyRequests, RetryAfter: 0})
		}},
	}
	targets := []struct {
		name, method, channel string
	}{
		{"channel", "conversations.create", ""},
		{"card", "chat.postMessage", ""}, // the first post is the card, in the incident channel
		{"announcement", "chat.postMessage", announceID},
	}
	for _, tg := range targets {
		for _, fl := range faults {
			t.Run(tg.name+"/"+fl.name, func(t *testing.T) {
				s := newStack(t, options{client: &http.Client{Timeout: 300 * time.Millisecond}})
				s.fake.Join(announceID) // so that history can be read there
				ctx := context.Background()
				fl.of(tg.method, tg.channel)(s.fake)
				if _, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Disk full", Actor: "U0ALICE", Severity: bot.SEV2}); err != nil {
					t.Fatal(err)
				}
				s.settle()
				checkOnce(t, s, "Disk full")
			})
		}
	}
}

// TestAuthBlipDeliversOnce: Slack refuses the token (invalid_auth) for a
// while, then takes it again; delivery resumes and everything is there
// once.
func TestAuthBlipDeliversOnce(t *testing.T) {
	s := newStack(t, options{probe: bot.ProbeBackoff{First: 20 * time.Millisecond, Max: 20 * time.Millisecond}})
	s.fake.Join(announceID)
	s.fake.Revoke("invalid_auth")
	if _, err := s.svc.Declare(context.Background(), bot.DeclareInput{Title: "Disk full", Actor: "U0ALICE", Severity: bot.SEV2}); err != nil {
		t.Fatal(err)
	}
	s.drain()
	if n := len(s.fake.Channels()); n != 1 {
		t.Fatalf("%d channels while the token was refused, want only the announcement channel", n)
	}
	s.fake.Revoke("")
	s.settle()
	checkOnce(t, s, "Disk full")
}

// checkOnce asserts one bot-made channel linked to INC-1, one card in it
// and one announcement, and no dead job.
func checkOnce(t *testing.T, s *stack, title string) {
	t.Helper()
	var mine int
	for _, c := range s.fake.Channels() {
		if c.Creator == slacktest.BotUserID {
			mine++
		}
	}
	if mine != 1 {
		t.Errorf("the bot created %d channels, want 1", mine)
	}
	ch := s.channel(1)
	var cards int
	for _, m := range s.messages(ch.ID) {
		if strings.Contains(m.Text, title) {
			cards++
		}
	}
	if cards != 1 {
		t.Errorf("%d cards in %s, want 1", cards, ch.Name)
	}
	if n := len(s.messages(announceID)); n != 1 {
		t.Errorf("%d announcements, want 1", n)
	}
	if dead, err := s.store.DeadJobs(context.Background(), 10); err != nil || len(dead) != 0 {
		t.Errorf("dead jobs %+v (%v)", dead, err)
	}
}
