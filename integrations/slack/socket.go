package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack/socketmode"
)

// Socket Mode reconnection backoff.
const (
	socketMinBackoff = time.Second
	socketMaxBackoff = time.Minute
)

// Acker is the part of the Socket Mode client a request is acknowledged
// through (*socketmode.Client).
type Acker interface {
	Ack(req socketmode.Request, payload ...any) error
}

// RunSocket serves Slack over Socket Mode until ctx ends: the same handlers
// as HTTP, each request acknowledged after its work is committed (a
// request not acknowledged is delivered again by Slack). It reconnects on
// its own, with backoff, when the connection drops or cannot be opened.
func (s *Slack) RunSocket(ctx context.Context) error {
	if s.cfg.AppToken == "" {
		return fmt.Errorf("slack socket mode: no app token (SLACK_APP_TOKEN)")
	}
	client := socketmode.New(s.api)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt, ok := <-client.Events:
				if !ok {
					return
				}
				s.HandleSocketEvent(ctx, client, evt)
			}
		}
	}()
	backoff := socketMinBackoff
	for {
		start := time.Now()
		err := client.RunContext(ctx) // returns only with an error
		if ctx.Err() != nil {
			return nil
		}
		if c, _ := classify(err); c == classAuth || authErrors[err.Error()] {
			s.log.Error("slack rejected the app token (SLACK_APP_TOKEN): Socket Mode is off until warroom restarts with a valid one",
				"slack_error", err.Error())
			return nil
		}
		if time.Since(start) > socketMaxBackoff {
			backoff = socketMinBackoff
		}
		s.log.Warn("slack socket mode disconnected, reconnecting", "err", err, "in", backoff)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		backoff = min(backoff*2, socketMaxBackoff)
	}
}

// HandleSocketEvent handles one Socket Mode event: the work first, then the
// acknowledgement (with the reply as its payload). RunSocket calls it for
// every event; tests call it directly.
func (s *Slack) HandleSocketEvent(ctx context.Context, ack Acker, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		s.log.Info("slack socket mode connected")
	case socketmode.EventTypeInvalidAuth:
		s.stop(ctx, "invalid_auth", errors.New("slack socket mode: invalid_auth"))
	case socketmode.EventTypeEventsAPI, socketmode.EventTypeInteractive, socketmode.EventTypeSlashCommand:
		if evt.Request == nil {
			return
		}
		payload, ok := s.socketRequest(ctx, evt.Type, evt.Request.Payload)
		if !ok {
			return // not acknowledged: Slack delivers it again
		}
		var err error
		if payload != nil {
			err = ack.Ack(*evt.Request, payload)
		} else {
			err = ack.Ack(*evt.Request)
		}
		if err != nil {
			s.log.Warn("acknowledge slack socket request", "err", err)
		}
	}
}

// socketRequest does the work of one Socket Mode request and returns the
// acknowledgement's payload; ok is false when the work failed and the
// request should be delivered again.
func (s *Slack) socketRequest(ctx context.Context, typ socketmode.EventType, raw json.RawMessage) (payload any, ok bool) {
	switch typ {
	case socketmode.EventTypeSlashCommand:
		var sc slashCommand
		if err := json.Unmarshal(raw, &sc); err != nil {
			return nil, true // malformed: acknowledge, or Slack repeats it forever
		}
		if m := s.runCommand(ctx, sc); m != nil {
			return m, true
		}
		return nil, true
	case socketmode.EventTypeInteractive:
		in, err := parseInteraction(raw)
		if err != nil {
			return nil, true
		}
		return s.interact(ctx, in), true
	case socketmode.EventTypeEventsAPI:
		env, err := parseEvent(raw)
		if err != nil {
			return nil, true
		}
		if err := s.handleEvent(ctx, env); err != nil {
			s.log.Warn("slack event not recorded", "event_id", env.EventID, "err", err)
			return nil, false
		}
		return nil, true
	}
	return nil, true
}
