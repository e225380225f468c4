package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack/socketmode"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/slack/slacktest"
	"github.com/warroom/warroom/internal/testkit"
)

// acks records Socket Mode acknowledgements.
type acks struct {
	mu  sync.Mutex
	got []any
	n   int
}

func (a *acks) Ack(_ socketmode.Request, payload ...any) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n++
	if len(payload) > 0 {
		a.got = append(a.got, payload[0])
	} else {
		a.got = append(a.got, nil)
	}
	return nil
}

func socketEvent(typ socketmode.EventType, payload string) socketmode.Event {
	return socketmode.Event{Type: typ, Request: &socketmode.Request{Type: string(typ), EnvelopeID: "env-1", Payload: json.RawMessage(payload)}}
}

// TestSocketModeSameHandlers: over Socket Mode, slash commands, clicks and
// events reach the same handlers, and each is acknowledged after its work,
// the reply riding on the acknowledgement.
func TestSocketModeSameHandlers(t *testing.T) {
	s := newStack(t, options{})
	ctx := context.Background()
	a := &acks{}
	s.app.HandleSocketEvent(ctx, a, socketEvent(socketmode.EventTypeSlashCommand,
		`{"command":"/incident","text":"declare sev2 Socket outage","user_id":"U0ALICE","channel_id":"C0GENERAL","trigger_id":"t1"}`))
	if a.n != 1 {
		t.Fatalf("%d acks, want 1", a.n)
	}
	b, _ := json.Marshal(a.got[0])
	if !strings.Contains(string(b), "Declared INC-1") {
		t.Errorf("ack payload = %s", b)
	}
	if _, err := s.svc.Get(ctx, 1); err != nil {
		t.Fatalf("the incident was not declared before the ack: %v", err)
	}
	s.drain()
	ch := s.channel(1)
	click := fmt.Sprintf(`{"type":"block_actions","user":{"id":"U0BOB"},"channel":{"id":%q},"response_url":%q,
		"actions":[{"action_id":"warroom:0","block_id":"warroom:INC-1","value":"ack INC-1"}]}`, ch.ID, s.fake.ResponseURL("sock"))
	s.app.HandleSocketEvent(ctx, a, socketEvent(socketmode.EventTypeInteractive, click))
	if inc, _ := s.svc.Get(ctx, 1); inc.Status != bot.StatusAcknowledged {
		t.Errorf("status after socket click = %s", inc.Status)
	}
	ts := s.fake.AddMessage(ch.ID, "U0CAROL", "root cause found")
	ev := fmt.Sprintf(`{"type":"event_callback","event_id":"EvS1","event":{"type":"reaction_added","user":"U0BOB","reaction":"pushpin","item":{"type":"message","channel":%q,"ts":%q}}}`, ch.ID, ts)
	for range 2 {
		s.app.HandleSocketEvent(ctx, a, socketEvent(socketmode.EventTypeEventsAPI, ev))
	}
	if a.n != 4 {
		t.Errorf("%d acks, want 4", a.n)
	}
	entries, _ := s.svc.Timeline(ctx, 1)
	pins := 0
	for _, e := range entries {
		if e.Kind == bot.EntryMessagePinned {
			pins++
		}
	}
	if pins != 1 {
		t.Errorf("%d pinned entries, want 1", pins)
	}
}

// TestSocketModeUnrecordedEventIsNotAcked: when the work fails, the
// request is not acknowledged, so Slack delivers it again.
func TestSocketModeUnrecordedEventIsNotAcked(t *testing.T) {
	s := newStack(t, options{})
	declare(t, s, "Epsilon down")
	ch := s.channel(1)
	s.fake.Fail("conversations.history", slacktestFailure("internal_error"))
	a := &acks{}
	ev := fmt.Sprintf(`{"type":"event_callback","event_id":"EvS2","event":{"type":"reaction_added","user":"U0BOB","reaction":"pushpin","item":{"type":"message","channel":%q,"ts":"1700000000.000001"}}}`, ch.ID)
	s.app.HandleSocketEvent(context.Background(), a, socketEvent(socketmode.EventTypeEventsAPI, ev))
	if a.n != 0 {
		t.Errorf("a failed event was acknowledged")
	}
}

func slacktestFailure(e string) slacktest.Failure { return slacktest.Failure{Error: e} }

// TestSocketModeOverWebSocket: with an app token, warroom connects to
// Socket Mode, answers a slash command through the acknowledgement, and
// reconnects on its own when Slack drops the connection.
func TestSocketModeOverWebSocket(t *testing.T) {
	s := newStack(t, options{socket: true})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.app.RunSocket(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("RunSocket: %v", err)
		}
	})
	waitFor(t, "a socket mode connection", func() bool { live, _ := s.fake.SocketConnected(); return live == 1 })

	send := func(id, text string) string {
		t.Helper()
		payload := fmt.Sprintf(`{"command":"/incident","text":%q,"user_id":"U0ALICE","channel_id":"C0GENERAL","trigger_id":"t"}`, text)
		if err := s.fake.SocketSend(id, "slash_commands", json.RawMessage(payload)); err != nil {
			t.Fatal(err)
		}
		var ack string
		waitFor(t, "the ack of "+id, func() bool {
			for _, a := range s.fake.SocketAcks() {
				if strings.Contains(string(a), id) {
					ack = string(a)
					return true
				}
			}
			return false
		})
		return ack
	}
	if ack := send("env-1", "declare sev2 Over the socket"); !strings.Contains(ack, "Declared INC-1") {
		t.Errorf("ack = %s", ack)
	}
	s.fake.DropSockets()
	waitFor(t, "a reconnection", func() bool { live, opened := s.fake.SocketConnected(); return live == 1 && opened >= 2 })
	if ack := send("env-2", "declare sev3 After the reconnect"); !strings.Contains(ack, "Declared INC-2") {
		t.Errorf("ack after reconnect = %s", ack)
	}
}

// waitFor polls cond until it holds, failing after a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testkit.Eventually(t, what, cond)
}
