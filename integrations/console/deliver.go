package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
)

// Message refs: the stable identity of each message the console keeps, so
// that a card is edited in place and a retried job never posts twice.
func cardRef(inc *bot.Incident) string     { return "card:" + inc.Key() }
func announceRef(inc *bot.Incident) string { return "announce:" + inc.Key() }
func jobRef(id int64) string               { return "job:" + strconv.FormatInt(id, 10) }

// handleOpen creates the incident's channel, posts its card there and
// announces it.
func (c *Console) handleOpen(ctx context.Context, job bot.Job) error {
	inc, ch, err := c.channelOf(ctx, job, true)
	if err != nil {
		return err
	}
	return c.saveCards(ctx, inc, ch, firstAttempt(job))
}

// handleCard re-renders the card and the announcement from current state.
func (c *Console) handleCard(ctx context.Context, job bot.Job) error {
	inc, ch, err := c.channelOf(ctx, job, true)
	if err != nil {
		return err
	}
	return c.saveCards(ctx, inc, ch, false)
}

// handlePost posts a message in the incident channel, and in the
// announcement channel when the payload says so.
func (c *Console) handlePost(ctx context.Context, job bot.Job) error {
	var p bot.PostPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return bot.Permanent(fmt.Errorf("decode post payload of job %d: %w", job.ID, err))
	}
	inc, ch, err := c.channelOf(ctx, job, false)
	if err != nil {
		return err
	}
	if p.Message.Incident == 0 {
		p.Message.Incident = inc.Number
	}
	out := []outgoing{{ch, jobRef(job.ID), p.Message}}
	if p.Announce && c.announce != "" && !inc.Private { // a private incident's updates stay in its channel
		out = append(out, outgoing{c.announce, jobRef(job.ID) + ":announce", p.Message})
	}
	return c.saveAll(ctx, inc.Number, firstAttempt(job), out...)
}

// firstAttempt says that job is delivered for the first time: nothing it
// stores (its posts under its own refs; an open job's cards, which only
// it writes first) can be there yet. Were anything there after all, saving
// it again is an edit in place, so this only spares the reads.
func firstAttempt(job bot.Job) bool { return job.Attempts == 1 }

// channelOf loads a job's incident and makes sure it has its console
// channel, creating (linking) it on first use. cards says the caller saves
// the incident's cards next, from the incident returned (and again when
// its job is retried): then the link writes no card job back to the
// console, which would only render the same cards again.
func (c *Console) channelOf(ctx context.Context, job bot.Job, cards bool) (*bot.Incident, string, error) {
	if job.Incident == 0 {
		return nil, "", bot.Permanent(fmt.Errorf("job %d (%s) names no incident", job.ID, job.Kind))
	}
	inc, err := c.svc.Get(ctx, job.Incident)
	if bot.ErrorCode(err) == bot.CodeNotFound {
		return nil, "", bot.Permanent(fmt.Errorf("job %d: %w", job.ID, err))
	}
	if err != nil {
		return nil, "", fmt.Errorf("load %s: %w", bot.FormatKey(job.Incident), err)
	}
	if ch := inc.Channels[Platform]; ch != "" {
		return inc, ch, nil
	}
	ch := c.svc.ChannelName(inc)
	link := c.svc.LinkChannel
	if cards {
		link = c.svc.LinkChannelShown
	}
	linked, err := link(ctx, inc.Number, Platform, ch)
	if err != nil {
		return nil, "", fmt.Errorf("link channel %s: %w", ch, err)
	}
	return linked, ch, nil
}

// saveCards writes the incident's card in its channel and its
// announcement; first says the cards cannot be stored yet (saveAll).
func (c *Console) saveCards(ctx context.Context, inc *bot.Incident, ch string, first bool) error {
	card := c.svc.CardWithAlerts(ctx, inc)
	out := []outgoing{{ch, cardRef(inc), card}}
	if c.announce != "" {
		if inc.Private { // announced under its neutral title only
			card = c.svc.Card(c.svc.Outward(inc))
		}
		out = append(out, outgoing{c.announce, announceRef(inc), card})
	}
	return c.saveAll(ctx, inc.Number, first, out...)
}

// outgoing is a message to keep under ref in channel.
type outgoing struct {
	channel, ref string
	m            bot.Message
}

// save stores message m under ref in channel: a new message, or an edit of
// the one already there (which keeps its place and creation time). Saving
// the same content again changes nothing.
func (c *Console) save(ctx context.Context, channel, ref string, incident int64, m bot.Message) error {
	return c.saveAll(ctx, incident, false, outgoing{channel, ref, m})
}

// saveAll is save for several messages of one incident (a card and its
// announcement, a post and its copy in the announcement channel): those
// that changed are stored in one transaction. first says none of them can
// be stored yet (firstAttempt): they are written without reading first.
func (c *Console) saveAll(ctx context.Context, incident int64, first bool, out ...outgoing) error {
	pms := make([]*bot.PostedMessage, 0, len(out))
	refs := make([]string, 0, len(out))
	for _, o := range out {
		pm, err := c.changed(ctx, incident, o, first)
		if err != nil {
			return err
		}
		if pm != nil {
			pms, refs = append(pms, pm), append(refs, o.ref)
		}
	}
	if len(pms) == 0 {
		return nil
	}
	if err := c.svc.SaveMessages(ctx, pms...); err != nil {
		return fmt.Errorf("save message %s: %w", strings.Join(refs, ", "), err)
	}
	return nil
}

// changed returns the record that stores o, or nil when the same content
// is there already (not read when first).
func (c *Console) changed(ctx context.Context, incident int64, o outgoing, first bool) (*bot.PostedMessage, error) {
	body, err := encodeMessage(c.svc.Names().Message(o.m)) // names, not ids, where people read
	if err != nil {
		return nil, bot.Permanent(fmt.Errorf("encode message %s: %w", o.ref, err))
	}
	now := c.svc.Now()
	// No external id: the console's own id of a message is its ref, and a
	// copy of it in every row would only take space.
	pm := &bot.PostedMessage{
		Platform: Platform, Channel: o.channel, Ref: o.ref,
		Incident: incident, Body: body, CreatedAt: now, UpdatedAt: now,
	}
	if first {
		return pm, nil
	}
	old, err := c.svc.MessageByRef(ctx, Platform, o.ref)
	switch {
	case errors.Is(err, bot.ErrNotFound):
	case err != nil:
		return nil, fmt.Errorf("read message %s: %w", o.ref, err)
	default:
		if old.Channel == o.channel && bytes.Equal(compact(old.Body), body) {
			return nil, nil
		}
		pm.ID, pm.CreatedAt = old.ID, old.CreatedAt
	}
	return pm, nil
}

// compact normalises stored JSON so that a store which reformats it still
// compares equal.
func compact(b []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return b
	}
	return buf.Bytes()
}
