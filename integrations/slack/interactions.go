package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/internal/httpx"
)

// interaction is the part of an interactivity payload warroom reads.
type interaction struct {
	Type        string `json:"type"`        // block_actions, view_submission, view_closed, shortcut, …
	CallbackID  string `json:"callback_id"` // of a shortcut
	TriggerID   string `json:"trigger_id"`
	ResponseURL string `json:"response_url"`
	User        struct {
		ID string `json:"id"`
	} `json:"user"`
	Channel struct {
		ID string `json:"id"`
	} `json:"channel"`
	Actions []struct {
		ActionID string `json:"action_id"`
		BlockID  string `json:"block_id"`
		Value    string `json:"value"`
	} `json:"actions"`
	View struct {
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
		State           struct {
			Values map[string]map[string]inputValue `json:"values"`
		} `json:"state"`
	} `json:"view"`
}

// inputValue is one input's state in a view submission.
type inputValue struct {
	Type           string `json:"type"`
	Value          string `json:"value"`
	SelectedOption *struct {
		Value string `json:"value"`
	} `json:"selected_option"`
	SelectedOptions []struct {
		Value string `json:"value"`
	} `json:"selected_options"`
	SelectedUser string `json:"selected_user"` // users_select
	SelectedDate string `json:"selected_date"` // datepicker, 2026-12-01
}

// parseInteraction reads an interactivity payload (the JSON in the
// "payload" form field, or Socket Mode's payload).
func parseInteraction(b []byte) (*interaction, error) {
	var in interaction
	if err := httpx.UnmarshalStrict(b, &in); err != nil {
		return nil, fmt.Errorf("decode interaction: %w", err)
	}
	if in.Type == "" {
		return nil, errors.New("decode interaction: no type")
	}
	return &in, nil
}

// submission reduces a view_submission to its values.
func (in *interaction) submission() submission {
	sub := submission{Callback: in.View.CallbackID, Metadata: in.View.PrivateMetadata, Values: map[string]string{}}
	for _, actions := range in.View.State.Values {
		for id, v := range actions {
			switch {
			case v.SelectedOption != nil:
				sub.Values[id] = v.SelectedOption.Value
			case len(v.SelectedOptions) > 0:
				sub.Values[id] = v.SelectedOptions[0].Value
			case v.SelectedUser != "":
				sub.Values[id] = v.SelectedUser
			case v.SelectedDate != "":
				sub.Values[id] = v.SelectedDate
			default:
				sub.Values[id] = v.Value
			}
		}
	}
	return sub
}

// viewResponse is the answer to a view_submission: empty closes the modal,
// errors keep it open with a message under an input.
type viewResponse struct {
	ResponseAction string            `json:"response_action"`
	Errors         map[string]string `json:"errors,omitempty"`
}

// serveInteraction answers POST /slack/interactions.
func (s *Slack) serveInteraction(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := httpx.SingleForm(string(body))
	if err != nil || form.Get("payload") == "" {
		httpx.WriteError(w, http.StatusBadRequest, "the body carries no interaction payload")
		return
	}
	in, err := parseInteraction([]byte(form.Get("payload")))
	if err != nil {
		httpx.WriteError(w, http.StatusBadRequest, "the interaction payload is not valid JSON")
		return
	}
	if resp := s.interact(r.Context(), in); resp != nil {
		httpx.WriteJSON(w, http.StatusOK, resp)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// interact handles one interaction and returns the body to answer with, or
// nil for an empty 200.
func (s *Slack) interact(ctx context.Context, in *interaction) any {
	switch in.Type {
	case "block_actions":
		s.click(ctx, in)
	case "view_submission":
		if resp := s.submit(ctx, in); resp != nil {
			return resp
		}
	case "shortcut":
		// The global shortcut "Declare an incident" opens the declare form.
		if in.CallbackID == shortcutDeclare && in.TriggerID != "" {
			if err := s.openView(ctx, in.TriggerID, declareView("", s.catalog())); err != nil {
				s.log.Warn("open declare form from shortcut", "err", "views.open failed")
			}
		}
	}
	return nil
}

// click runs the command a button carries, as the person who clicked. A
// click on a card whose incident has moved on (the button is no longer on
// the current card) refreshes the card and says so instead; a button with
// a form opens its modal.
func (s *Slack) click(ctx context.Context, in *interaction) {
	if len(in.Actions) == 0 || !strings.HasPrefix(in.Actions[0].ActionID, actionPrefix) {
		return
	}
	act := in.Actions[0]
	user, channel := in.User.ID, in.Channel.ID
	var form string
	if key, ok := strings.CutPrefix(act.BlockID, "warroom:"); ok && bot.LooksLikeKey(key) {
		n, _ := bot.ParseKey(key)
		inc, err := s.svc.Get(ctx, n)
		if err != nil {
			s.respond(ctx, in.ResponseURL, errorReply(err))
			return
		}
		btn, ok := findButton(s.svc.Card(inc), act.Value)
		if !ok {
			s.refreshCard(ctx, inc)
			s.respond(ctx, in.ResponseURL, &message{ResponseType: "ephemeral", Text: fmt.Sprintf(
				"%s has moved on (it is %s now); the card was out of date and has been refreshed. Check it and try again.",
				inc.Key(), inc.Status)})
			return
		}
		form = btn.Form
		if v, ok := formView(form, inc, channel, s.catalog()); ok && in.TriggerID != "" {
			if err := s.openView(ctx, in.TriggerID, v); err == nil {
				return
			}
			s.log.Warn("open form", "form", form, "err", "views.open failed")
		}
	}
	if form != "" {
		s.respond(ctx, in.ResponseURL, &message{ResponseType: "ephemeral", Text: "The form could not be opened; type `/incident " + Escape(form) + "` instead."})
		return
	}
	rep, err := s.router.Dispatch(ctx, commands.Request{Text: act.Value, User: user, Channel: channel, Platform: Platform})
	if err != nil {
		s.respond(ctx, in.ResponseURL, errorReply(err))
		return
	}
	s.poke()
	m := replyMessage(rep, user)
	m.ResponseType = "ephemeral"
	s.respond(ctx, in.ResponseURL, m)
}

// submit runs the command a submitted modal stands for. Failures keep the
// modal open with the message under the input concerned.
func (s *Slack) submit(ctx context.Context, in *interaction) *viewResponse {
	text, block, channel, err := in.submission().command()
	if err != nil {
		return nil // not one of warroom's forms
	}
	rep, err := s.router.Dispatch(ctx, commands.Request{Text: text, User: in.User.ID, Channel: channel, Platform: Platform})
	if err != nil {
		return &viewResponse{ResponseAction: "errors", Errors: map[string]string{block: truncate(bot.ErrorMessage(err), 2000)}}
	}
	s.poke()
	if channel != "" && rep.Text != "" {
		ctx, cancel := context.WithTimeout(ctx, replyTimeout)
		defer cancel()
		_, err := s.api.PostEphemeralContext(ctx, channel, in.User.ID,
			slack.MsgOptionText(truncate(mentionUser(Escape(rep.Text), in.User.ID), maxFallback), false))
		if err != nil {
			s.log.Debug("confirm form submission", "err", err)
		}
	}
	return nil
}

// findButton finds the button of m that runs command.
func findButton(m bot.Message, command string) (bot.Button, bool) {
	for _, b := range m.Buttons {
		if b.Command == command {
			return b, true
		}
	}
	return bot.Button{}, false
}

// refreshCard enqueues a card edit for the incident, as a change would.
func (s *Slack) refreshCard(ctx context.Context, inc *bot.Incident) {
	if err := s.enqueueCard(ctx, inc, 0); err != nil {
		s.log.Warn("refresh card", "incident", inc.Key(), "err", err)
		return
	}
	s.poke()
}

// enqueueCard writes a slack.card job for inc, due after wait, merged with
// any card job already pending.
func (s *Slack) enqueueCard(ctx context.Context, inc *bot.Incident, wait time.Duration) error {
	return s.svc.RefreshCard(ctx, inc.Number, Platform, wait)
}

// deferPaced turns a card sync held back by pacing into a card job due
// when the channel may be written again, and completes the current job:
// pacing is not a failure and spends none of the job's attempts. Changes
// made meanwhile merge into the deferred job, so the edit, when it comes,
// shows the latest state. Any other err is returned as it is.
func (s *Slack) deferPaced(ctx context.Context, inc *bot.Incident, err error) error {
	wait, ok := paced(err)
	if !ok {
		return err
	}
	if err := s.enqueueCard(ctx, inc, wait); err != nil {
		return bot.RetryAfter(err, wait)
	}
	return nil
}
