package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/internal/httpx"
)

// seenSource is the source interaction ids are recorded under, so that
// each is handled once across replicas.
const seenSource = "discord.interaction"

// flagEphemeral shows a reply to the person alone.
const flagEphemeral = discordgo.MessageFlagsEphemeral

// DecodeInteraction reads an interaction body: discordgo's Interaction,
// with the fields warroom relies on checked.
//
// A modal submission's data is read by warroom itself (submittedModal):
// discordgo v0.28.1 refuses the Label components modals are now made of.
func DecodeInteraction(b []byte) (*discordgo.Interaction, error) {
	if err := httpx.UniqueKeys(b); err != nil {
		return nil, fmt.Errorf("decode interaction: %w", err)
	}
	var head struct {
		Type discordgo.InteractionType `json:"type"`
		Data json.RawMessage           `json:"data"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("decode interaction: %w", err)
	}
	var modal *submittedModal
	if head.Type == discordgo.InteractionModalSubmit {
		modal = new(submittedModal)
		if err := json.Unmarshal(head.Data, modal); err != nil {
			return nil, fmt.Errorf("decode modal submission: %w", err)
		}
		var err error
		if b, err = withoutModalData(b, modal.CustomID); err != nil {
			return nil, fmt.Errorf("decode interaction: %w", err)
		}
	}
	var in discordgo.Interaction
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("decode interaction: %w", err)
	}
	if modal != nil && len(head.Data) > 0 && string(head.Data) != "null" {
		in.Data = modal.modalData()
	}
	if in.Type == discordgo.InteractionPing {
		return &in, nil
	}
	if in.ID == "" || in.Token == "" || in.Data == nil {
		return nil, errors.New("decode interaction: no id, token or data")
	}
	if actor(&in) == "" {
		return nil, errors.New("decode interaction: no user")
	}
	return &in, nil
}

// withoutModalData is body with the modal submission's data cut to its
// custom id, which discordgo can read.
func withoutModalData(body []byte, customID string) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	if _, ok := m["data"]; !ok {
		return body, nil
	}
	data, err := json.Marshal(map[string]string{"custom_id": customID})
	if err != nil {
		return nil, err
	}
	m["data"] = data
	return json.Marshal(m)
}

// actor is who acted: the member in a server, the user in a DM.
func actor(in *discordgo.Interaction) string {
	if in.Member != nil && in.Member.User != nil {
		return in.Member.User.ID
	}
	if in.User != nil {
		return in.User.ID
	}
	return ""
}

// serveInteraction answers POST /discord/interactions (verified).
func (d *Discord) serveInteraction(w http.ResponseWriter, r *http.Request, body []byte) {
	in, err := DecodeInteraction(body)
	if err != nil {
		httpx.WriteError(w, http.StatusBadRequest, "the body is not an interaction")
		return
	}
	if in.Type == discordgo.InteractionPing {
		httpx.WriteJSON(w, http.StatusOK, discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}
	first, err := d.svc.SeeDelivery(r.Context(), bot.Delivery{Source: seenSource, Key: in.ID})
	if err != nil {
		d.log.Warn("record interaction", "err", err)
		httpx.WriteJSON(w, http.StatusOK, ephemeral("warroom could not record this; try again."))
		return
	}
	if !first {
		httpx.WriteJSON(w, http.StatusOK, ephemeral("This was handled already."))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, d.interact(r.Context(), in))
}

// interact handles one interaction and returns Discord's answer.
func (d *Discord) interact(ctx context.Context, in *discordgo.Interaction) *discordgo.InteractionResponse {
	switch in.Type {
	case discordgo.InteractionApplicationCommand:
		data := in.ApplicationCommandData()
		if data.CommandType == discordgo.MessageApplicationCommand {
			return d.addToTimeline(ctx, in, data)
		}
		text, err := commandText(data)
		if err != nil {
			return errorResponse(err)
		}
		return d.run(ctx, in, text, false)
	case discordgo.InteractionMessageComponent:
		return d.click(ctx, in)
	case discordgo.InteractionModalSubmit:
		text, err := submission(in.ModalSubmitData())
		if err != nil {
			return errorResponse(err)
		}
		return d.run(ctx, in, text, false)
	}
	return ephemeral("warroom does not handle this interaction.")
}

// run dispatches command text as the person who acted, and answers with
// the reply. A command not done within the reply budget (one that calls
// another system) is answered with a deferred response at once, and its
// reply follows by editing it (or, for a component, in a follow-up).
func (d *Discord) run(ctx context.Context, in *discordgo.Interaction, text string, component bool) *discordgo.InteractionResponse {
	type result struct {
		rep commands.Reply
		err error
	}
	done := make(chan result, 1)
	dctx := context.WithoutCancel(ctx) // the command finishes even when the answer has gone
	user := actor(in)
	d.replies.Go(func() {
		rep, err := d.router.Dispatch(dctx, commands.Request{Text: text, User: user, Channel: in.ChannelID, Platform: Platform})
		if err == nil {
			d.poke()
		}
		done <- result{rep, err}
	})
	t := time.NewTimer(d.cfg.ReplyBudget)
	defer t.Stop()
	select {
	case r := <-done:
		if r.err != nil {
			return errorResponse(r.err)
		}
		if r.rep.Form == "declare" {
			return declareModal(d.catalog())
		}
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: replyData(r.rep, user)}
	case <-t.C:
	}
	d.replies.Go(func() {
		r := <-done
		d.followUp(dctx, in, r.rep, r.err, component)
	})
	if component {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
}

// followUp sends a slow command's reply: it edits the deferred answer, or
// (for an error, which the person alone should see, or after a component's
// deferred update) sends it as a follow-up message.
func (d *Discord) followUp(ctx context.Context, in *discordgo.Interaction, rep commands.Reply, err error, component bool) {
	data := replyData(rep, actor(in))
	if err != nil {
		data = errorResponse(err).Data
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	hook := discordgo.EndpointWebhookToken(in.AppID, in.Token)
	if !component && err == nil && !rep.Ephemeral {
		err = d.rest(ctx, http.MethodPatch, discordgo.EndpointWebhookMessage(in.AppID, in.Token, "@original"), "", data, nil)
	} else {
		if !component {
			_ = d.rest(ctx, http.MethodDelete, discordgo.EndpointWebhookMessage(in.AppID, in.Token, "@original"), "", nil, nil)
		}
		err = d.rest(ctx, http.MethodPost, hook, "", data, nil)
	}
	if err != nil {
		d.log.Warn("discord follow-up", "err", err)
	}
}

// replyData renders a command's reply: its text (the acting person shown
// by name) and its message as an embed. It pings nobody.
func replyData(rep commands.Reply, user string) *discordgo.InteractionResponseData {
	data := &discordgo.InteractionResponseData{
		Content:         truncate(mentionUser(Escape(rep.Text), user), maxContent),
		AllowedMentions: mentions(nil, nil),
	}
	if rep.Message != nil {
		r := Render(*rep.Message)
		data.Embeds = r.Embeds
	}
	if rep.Ephemeral {
		data.Flags = flagEphemeral
	}
	if data.Content == "" && len(data.Embeds) == 0 {
		data.Content = "Done."
	}
	return data
}

// mentionUser shows the acting user's id, written plainly in a reply
// ("… by 80351110224678912"), as a mention, which shows their name.
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
		if (j == 0 || !isDigit(text[j-1])) && (end == len(text) || !isDigit(text[end])) && (j < 2 || text[j-2:j] != "<@") {
			b.WriteString(text[i:j] + "<@" + user + ">")
		} else {
			b.WriteString(text[i:end])
		}
		i = end
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ephemeral is an answer the person alone sees.
func ephemeral(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
		Content: truncate(text, maxContent), Flags: flagEphemeral, AllowedMentions: mentions(nil, nil),
	}}
}

// errorResponse is an error as the person who acted sees it, alone.
func errorResponse(err error) *discordgo.InteractionResponse {
	return ephemeral("⚠️ " + Escape(bot.ErrorMessage(err)))
}

// addToTimeline records the message a person picked ("Add to timeline" in
// its menu) on the timeline of the incident whose room it is in, once.
func (d *Discord) addToTimeline(ctx context.Context, in *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) *discordgo.InteractionResponse {
	if data.Name != cmdAddTimeline || data.Resolved == nil {
		return ephemeral("warroom does not know this command.")
	}
	msg := data.Resolved.Messages[data.TargetID]
	if msg == nil {
		return ephemeral("Discord did not send the message.")
	}
	inc, err := d.svc.ByChannel(ctx, Platform, in.ChannelID)
	if err != nil {
		if bot.ErrorCode(err) == bot.CodeNotFound {
			return ephemeral("This is not an incident's room: use Add to timeline in the incident's thread.")
		}
		return errorResponse(err)
	}
	author := ""
	if msg.Author != nil {
		author = msg.Author.ID
	}
	added, err := d.svc.PinMessage(ctx, inc.Number, bot.PinInput{
		Platform: Platform, Channel: in.ChannelID, MessageID: msg.ID, Author: author, PinnedBy: actor(in),
		Text: msg.Content, At: msg.Timestamp,
	})
	if err != nil {
		return errorResponse(err)
	}
	if !added {
		return ephemeral("That message is on " + inc.Key() + "'s timeline already.")
	}
	d.poke()
	return ephemeral("Added to " + inc.Key() + "'s timeline.")
}
