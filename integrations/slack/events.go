package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// eventEnvelope is the part of an Events API callback warroom reads.
type eventEnvelope struct {
	Type      string `json:"type"` // url_verification, event_callback
	Challenge string `json:"challenge"`
	EventID   string `json:"event_id"`
	Event     event  `json:"event"`
}

// event is the inner event: reaction_added, pin_added, message.
type event struct {
	Type      string `json:"type"`
	User      string `json:"user"` // who reacted or pinned; a message's author
	BotID     string `json:"bot_id"`
	Reaction  string `json:"reaction"`
	ChannelID string `json:"channel_id"` // pin_added
	Item      struct {
		Type    string `json:"type"`
		Channel string `json:"channel"`
		TS      string `json:"ts"`
		Message *struct {
			TS    string `json:"ts"`
			User  string `json:"user"`
			BotID string `json:"bot_id"`
			Text  string `json:"text"`
		} `json:"message"`
	} `json:"item"`
}

// parseEvent reads an Events API body.
func parseEvent(b []byte) (*eventEnvelope, error) {
	var env eventEnvelope
	if err := httpx.UnmarshalStrict(b, &env); err != nil {
		return nil, fmt.Errorf("decode event: %w", err)
	}
	if env.Type == "" {
		return nil, errors.New("decode event: no type")
	}
	return &env, nil
}

// serveEvent answers POST /slack/events. A failure to record an event is a
// 500, so that Slack delivers it again (X-Slack-Retry-Num); the event_id
// makes the redelivery harmless.
func (s *Slack) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	env, err := parseEvent(body)
	if err != nil {
		httpx.WriteError(w, http.StatusBadRequest, "the body is not an Events API callback")
		return
	}
	if env.Type == "url_verification" {
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"challenge": env.Challenge})
		return
	}
	if err := s.handleEvent(r.Context(), env); err != nil {
		s.log.Warn("slack event not recorded", "event_id", env.EventID, "retry", r.Header.Get("X-Slack-Retry-Num"), "err", err)
		httpx.WriteError(w, http.StatusInternalServerError, "the event was not recorded; deliver it again")
		return
	}
	w.WriteHeader(http.StatusOK)
}

// pinnedMessage is a message someone marked for the timeline.
type pinnedMessage struct {
	channel, ts, by string
	author, text    string // when the event carried them
}

// handleEvent records what an event means for an incident: a message given
// a :pushpin: or pinned in an incident channel becomes a timeline entry,
// once per message and once per event_id. Everything else, and everything
// the bot did itself, is ignored.
func (s *Slack) handleEvent(ctx context.Context, env *eventEnvelope) error {
	if env.Type != "event_callback" {
		return nil
	}
	e := env.Event
	bot := s.botUserID()
	if e.BotID != "" || (bot != "" && e.User == bot) {
		return nil // the bot's own doing: its messages, its pin of the card
	}
	var p pinnedMessage
	switch e.Type {
	case "reaction_added":
		if e.Reaction != "pushpin" || e.Item.Type != "message" {
			return nil
		}
		p = pinnedMessage{channel: e.Item.Channel, ts: e.Item.TS, by: e.User}
	case "pin_added":
		if e.Item.Type != "message" || e.Item.Message == nil {
			return nil
		}
		msg := e.Item.Message
		if msg.BotID != "" || (bot != "" && msg.User == bot) {
			return nil
		}
		ch := e.Item.Channel
		if ch == "" {
			ch = e.ChannelID
		}
		p = pinnedMessage{channel: ch, ts: msg.TS, by: e.User, author: msg.User, text: msg.Text}
	default:
		return nil
	}
	if p.channel == "" || p.ts == "" {
		return nil
	}
	return s.pin(ctx, env.EventID, p)
}

// pin records p on its channel's incident's timeline.
func (s *Slack) pin(ctx context.Context, eventID string, p pinnedMessage) error {
	inc, err := s.svc.ByChannel(ctx, Platform, p.channel)
	if bot.ErrorCode(err) == bot.CodeNotFound {
		return nil // not an incident channel
	}
	if err != nil {
		return err
	}
	if p.text == "" {
		if err := s.fetchMessage(ctx, &p); err != nil {
			return err
		}
	}
	if botUser := s.botUserID(); botUser != "" && p.author == botUser {
		return nil
	}
	in := bot.PinInput{Platform: Platform, Channel: p.channel, MessageID: p.ts, Author: p.author,
		PinnedBy: p.by, Text: plainText(p.text), At: tsTime(p.ts)}
	if eventID != "" {
		in.Delivery = "slack-event:" + eventID
	}
	if _, err := s.svc.PinMessage(ctx, inc.Number, in); err != nil {
		return fmt.Errorf("pin message to %s: %w", inc.Key(), err)
	}
	return nil
}

// fetchMessage reads a message's author and text through
// conversations.history.
func (s *Slack) fetchMessage(ctx context.Context, p *pinnedMessage) error {
	ctx, cancel := context.WithTimeout(ctx, replyTimeout)
	defer cancel()
	res, err := s.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: p.channel, Latest: p.ts, Inclusive: true, Limit: 1,
	})
	if err != nil {
		return fmt.Errorf("conversations.history: %w", err)
	}
	for _, m := range res.Messages {
		if m.Timestamp == p.ts {
			p.author, p.text = m.User, m.Text
			if m.BotID != "" && m.BotID == s.botIDValue() {
				p.author = s.botUserID()
			}
			return nil
		}
	}
	return nil // gone: recorded without its text
}

// tsTime reads a Slack ts ("1700000000.123456") as a time.
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(n, us*1000).UTC()
}

// slackMarkup matches Slack's angle-bracket sequences in message text:
// <@U123>, <#C123|name>, <!here>, <https://x|label>, <mailto:a@b>.
var slackMarkup = regexp.MustCompile(`<([^<>]*)>`)

// plainText turns a Slack message's text into what a person reads, for the
// timeline and the postmortem: mentions as @id, channels as #name, links
// as "label (url)", and Slack's three entities decoded.
func plainText(s string) string {
	s = slackMarkup.ReplaceAllStringFunc(s, func(m string) string {
		inner := m[1 : len(m)-1]
		target, label, hasLabel := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"):
			if hasLabel {
				return "@" + label
			}
			return target
		case strings.HasPrefix(target, "#"):
			if hasLabel {
				return "#" + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			name, _, _ := strings.Cut(strings.TrimPrefix(target, "!"), "^")
			if hasLabel {
				return label
			}
			return "@" + name
		case hasLabel && label != target:
			return label + " (" + target + ")"
		}
		return target
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}
