package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// Refs: the stable identity of each thing warroom does in Discord, so that
// a card is edited in place and a retried job never posts twice.
func roomRef(inc *bot.Incident) string     { return "room:" + inc.Key() }
func cardRef(inc *bot.Incident) string     { return "card:" + inc.Key() }
func announceRef(inc *bot.Incident) string { return "announce:" + inc.Key() }
func membersRef(inc *bot.Incident) string  { return "members:" + inc.Key() }
func jobRef(id int64) string               { return "job:" + strconv.FormatInt(id, 10) }
func summaryRef(inc *bot.Incident) string {
	at := int64(0)
	if inc.ResolvedAt != nil {
		at = inc.ResolvedAt.Unix()
	}
	return "summary:" + inc.Key() + ":" + strconv.FormatInt(at, 10)
}

// createMessage is the body of POST /channels/{id}/messages. It is our own
// struct, not discordgo.MessageSend, because v0.28.1 lacks the nonce and
// enforce_nonce fields Discord documents: with them, a create retried
// after an unknown outcome (a timeout, warroom killed) returns the message
// the first attempt made instead of posting a second one.
type createMessage struct {
	Content          string                            `json:"content,omitempty"`
	Embeds           []*discordgo.MessageEmbed         `json:"embeds,omitempty"`
	Components       []discordgo.MessageComponent      `json:"components,omitempty"`
	AllowedMentions  *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	MessageReference *discordgo.MessageReference       `json:"message_reference,omitempty"`
	Nonce            string                            `json:"nonce,omitempty"`
	EnforceNonce     bool                              `json:"enforce_nonce,omitempty"`
}

// nonce is the create nonce of ref (at most 25 characters, as Discord
// allows).
func nonce(ref string) string {
	sum := sha256.Sum256([]byte("warroom:" + ref))
	return hex.EncodeToString(sum[:])[:25]
}

// hash identifies a rendering, to skip edits that change nothing.
func hash(m *discordgo.MessageSend) string {
	b, _ := json.Marshal(struct {
		C string                       `json:"c"`
		E []*discordgo.MessageEmbed    `json:"e"`
		K []discordgo.MessageComponent `json:"k"`
	}{m.Content, m.Embeds, m.Components})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// putOpts say how a message is kept.
type putOpts struct {
	edit  bool   // edited in place when its rendering changes (cards)
	reply string // posted as a reply to this message
	files []*discordgo.File
}

// put makes the message stored under ref say m: posted once (with a nonce,
// and looked up after an unknown outcome: reconcile.go), then edited in
// place (when o.edit) only when its rendering changed. A card whose
// message is gone from Discord is posted again.
func (d *Discord) put(ctx context.Context, channel, ref string, incident int64, m *discordgo.MessageSend, o putOpts) error {
	h := hash(m)
	pm, rec, err := d.load(ctx, ref)
	if err != nil {
		return err
	}
	if pm != nil && pm.ExternalID == "" {
		if pm, rec, err = d.reconcilePost(ctx, pm, rec, m); err != nil {
			return err
		}
	}
	if pm != nil && pm.ExternalID != "" && o.edit && rec.Hash != h {
		edit := &discordgo.MessageEdit{Content: &m.Content, Embeds: &m.Embeds, Components: &m.Components, AllowedMentions: m.AllowedMentions}
		err := d.rest(ctx, http.MethodPatch, discordgo.EndpointChannelMessage(pm.Channel, pm.ExternalID), ref, edit, nil)
		switch _, code := restStatus(err); {
		case code == codeUnknownMessage:
			d.log.Warn("discord message gone, posting it again", "ref", ref)
			pm, rec = nil, record{}
		case err != nil:
			return err
		default:
			rec.Hash = h
			return d.save(ctx, pm, rec)
		}
	}
	if pm != nil && pm.ExternalID != "" {
		return nil
	}
	body := createMessage{
		Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: m.AllowedMentions,
		Nonce: nonce(ref), EnforceNonce: true,
	}
	if o.reply != "" {
		no := false
		body.MessageReference = &discordgo.MessageReference{MessageID: o.reply, FailIfNotExists: &no}
	}
	if pm == nil || pm.Channel == "" {
		pm = &bot.PostedMessage{Channel: channel, Ref: ref, Incident: incident}
	}
	var got discordgo.Message
	endpoint := discordgo.EndpointChannelMessages(pm.Channel)
	send := func(ctx context.Context, route string) ([]byte, error) {
		return d.api.RequestWithBucketID(http.MethodPost, endpoint, body, route, discordgo.WithContext(ctx))
	}
	if len(o.files) > 0 {
		ct, b, err := discordgo.MultipartBodyWithJSON(body, o.files)
		if err != nil {
			return bot.Permanent(fmt.Errorf("encode message %s: %w", ref, err))
		}
		send = func(ctx context.Context, route string) ([]byte, error) {
			return d.api.RequestWithLockedBucket(http.MethodPost, endpoint, ct, b, d.api.Ratelimiter.LockBucket(route), 0, discordgo.WithContext(ctx))
		}
	}
	if err := d.create(ctx, pm, rec, http.MethodPost, endpoint, send, &got); err != nil {
		return err
	}
	pm.ExternalID = got.ID
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
	defer cancel()
	return d.save(sctx, pm, record{Hash: h})
}

// reconcilePost settles a message whose create was asked and never
// answered: within nonceTrust it is sent again with its nonce (pm comes
// back without an id); later, the message the ask made is looked up and
// adopted (its rendering unknown, so a card is edited up to date), or pm
// comes back without an id and the message is posted.
func (d *Discord) reconcilePost(ctx context.Context, pm *bot.PostedMessage, rec record, m *discordgo.MessageSend) (*bot.PostedMessage, record, error) {
	if !rec.Asked || d.now().Sub(rec.AskedAt) < nonceTrust {
		return pm, rec, nil
	}
	id, err := d.findPosted(ctx, pm.Channel, m, rec.AskedAt)
	if err != nil || id == "" {
		return pm, rec, err
	}
	d.log.Info("adopting the message an earlier attempt posted", "ref", pm.Ref, "channel", pm.Channel, "id", id)
	pm.ExternalID = id
	rec = record{}
	if err := d.save(ctx, pm, rec); err != nil {
		return nil, rec, err
	}
	return pm, rec, nil
}

// files turns a message's attachments into uploads.
func files(m bot.Message) []*discordgo.File {
	var out []*discordgo.File
	for _, a := range m.Attachments {
		if len(a.Data) == 0 {
			continue
		}
		name := a.Name
		if name == "" {
			name = "attachment"
		}
		out = append(out, &discordgo.File{Name: name, ContentType: a.ContentType, Reader: bytesReader(a.Data)})
	}
	return out
}
