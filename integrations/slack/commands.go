package slack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/internal/httpx"
)

// slashCommand is the part of a slash command warroom reads, from the HTTP
// form or the Socket Mode payload.
type slashCommand struct {
	Command     string `json:"command"`
	Text        string `json:"text"`
	UserID      string `json:"user_id"`
	ChannelID   string `json:"channel_id"`
	ResponseURL string `json:"response_url"`
	TriggerID   string `json:"trigger_id"`
}

// message is a reply Slack shows: a slash command's response body, or what
// is posted to a response_url.
type message struct {
	ResponseType    string        `json:"response_type,omitempty"` // "ephemeral" or "in_channel"
	Text            string        `json:"text"`
	Blocks          []slack.Block `json:"blocks,omitempty"`
	ReplaceOriginal bool          `json:"replace_original"`
}

// serveCommand answers POST /slack/commands.
func (s *Slack) serveCommand(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := httpx.SingleForm(string(body))
	if err != nil {
		httpx.WriteError(w, http.StatusBadRequest, "the body is not a form of single-valued fields")
		return
	}
	sc := slashCommand{
		Command: form.Get("command"), Text: form.Get("text"), UserID: form.Get("user_id"),
		ChannelID: form.Get("channel_id"), ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"),
	}
	reply := s.runCommand(r.Context(), sc)
	if reply == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, reply)
}

// runCommand dispatches a slash command and returns the reply, or nil when
// a modal was opened instead. A command that is not done within the reply
// budget (one that calls another system, say) is answered "working on it"
// at once, and its reply follows through the response_url.
func (s *Slack) runCommand(ctx context.Context, sc slashCommand) *message {
	type result struct{ m *message }
	done := make(chan result, 1)
	dctx := context.WithoutCancel(ctx) // the command finishes even when the answer has gone
	s.replies.Add(1)
	go func() {
		defer s.replies.Done()
		done <- result{s.dispatchCommand(dctx, sc)}
	}()
	t := time.NewTimer(s.cfg.ReplyBudget)
	defer t.Stop()
	select {
	case r := <-done:
		return r.m
	case <-t.C:
	}
	s.replies.Go(func() {
		r := <-done
		if r.m != nil {
			r.m.ReplaceOriginal = true
		}
		s.respond(dctx, sc.ResponseURL, r.m)
	})
	return &message{ResponseType: "ephemeral", Text: ":hourglass_flowing_sand: Working on it; the answer follows here."}
}

// dispatchCommand runs a slash command and renders its reply.
func (s *Slack) dispatchCommand(ctx context.Context, sc slashCommand) *message {
	text := strings.TrimSpace(sc.Command + " " + sc.Text)
	req := commands.Request{Text: text, User: sc.UserID, Channel: sc.ChannelID, Platform: Platform}
	rep, err := s.router.Dispatch(ctx, req)
	if err != nil {
		return errorReply(err)
	}
	s.poke()
	if rep.Form == "declare" && sc.TriggerID != "" {
		if err := s.openView(ctx, sc.TriggerID, declareView(sc.ChannelID, s.catalog())); err == nil {
			return nil
		} else {
			s.log.Warn("open declare form", "err", err)
		}
	}
	return replyMessage(rep, sc.UserID)
}

// replyMessage renders a command's reply.
func replyMessage(rep commands.Reply, user string) *message {
	m := &message{ResponseType: "in_channel"}
	if rep.Ephemeral {
		m.ResponseType = "ephemeral"
	}
	text := mentionUser(Escape(rep.Text), user)
	m.Text = truncate(text, maxFallback)
	if rep.Text != "" {
		m.Blocks = append(m.Blocks, slack.NewSectionBlock(mrkdwn(truncate(text, maxSection)), nil, nil))
	}
	if rep.Message != nil {
		blocks, fallback := Render(*rep.Message)
		m.Blocks = append(m.Blocks, blocks...)
		if m.Text == "" {
			m.Text = fallback
		}
	}
	if len(m.Blocks) > maxBlocks {
		m.Blocks = m.Blocks[:maxBlocks]
	}
	return m
}

// errorReply is an error as the person who typed sees it, alone.
func errorReply(err error) *message {
	return &message{ResponseType: "ephemeral", Text: ":warning: " + truncate(Escape(bot.ErrorMessage(err)), maxSection)}
}

// mentionUser turns the acting user's id, written plainly in an escaped
// reply ("… by U024BE7LH"), into a mention that shows their name.
func mentionUser(text, user string) string {
	if !userID.MatchString(user) {
		return text
	}
	var b strings.Builder
	for i := 0; ; {
		j := strings.Index(text[i:], user)
		if j < 0 {
			b.WriteString(text[i:])
			return b.String()
		}
		j += i
		end := j + len(user)
		if (j == 0 || !isIDByte(text[j-1])) && (end == len(text) || !isIDByte(text[end])) {
			b.WriteString(text[i:j] + "<@" + user + ">")
		} else {
			b.WriteString(text[i:end])
		}
		i = end
	}
}

func isIDByte(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '@' }

// respond posts a reply to a response_url (an interaction's way back to
// the person) after the request is answered, so that a slow Slack never
// holds the answer past its 3 s. Wait waits for replies in flight.
func (s *Slack) respond(ctx context.Context, responseURL string, m *message) {
	if responseURL == "" || m == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	s.replies.Go(func() { s.postReply(ctx, responseURL, m) })
}

// Wait blocks until every reply in flight has been sent (or given up).
func (s *Slack) Wait() { s.replies.Wait() }

// postReply posts m to a response_url.
func (s *Slack) postReply(ctx context.Context, responseURL string, m *message) {
	u, err := url.Parse(responseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return
	}
	body, err := json.Marshal(m)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, replyTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, strings.NewReader(string(body)))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.http.Do(req)
	if err != nil {
		s.log.Warn("reply to slack response_url", "err", errorWithoutURL(err))
		return
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		s.log.Warn("reply to slack response_url", "status", res.StatusCode)
	}
}

// errorWithoutURL drops the URL from a client error: a response_url is a
// bearer capability and stays out of logs.
func errorWithoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
