package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/warroom/warroom/bot"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// handleOpen opens the incident's room, adds the people, posts the card
// and announces the incident. Each step is recorded, so a retry picks up
// where the last attempt stopped.
func (d *Discord) handleOpen(ctx context.Context, job bot.Job) error {
	inc, err := d.incident(ctx, job)
	if err != nil {
		return err
	}
	inc, room, err := d.ensureRoom(ctx, inc)
	if err != nil {
		return err
	}
	if err := d.addMembers(ctx, inc, room); err != nil {
		return err
	}
	return d.deferPaced(ctx, inc, d.syncCards(ctx, inc, room))
}

// handleCard brings the card, the room's tags and the announcement up to
// the incident's current state, with one edit each however many changes
// were coalesced into the job; when the incident has resolved, it posts
// the summary once.
func (d *Discord) handleCard(ctx context.Context, job bot.Job) error {
	inc, err := d.incident(ctx, job)
	if err != nil {
		return err
	}
	room := inc.Channels[Platform]
	if room == "" {
		return nil // the room was never opened (its open job failed): nothing to edit
	}
	if err := d.addMembers(ctx, inc, room); err != nil {
		return err
	}
	if err := d.syncCards(ctx, inc, room); err != nil {
		return d.deferPaced(ctx, inc, err)
	}
	if inc.Status == bot.StatusResolved && inc.ResolvedAt != nil {
		return d.postSummary(ctx, inc, room)
	}
	return nil
}

// handlePost posts a message in the room, with its files (a postmortem
// draft), and, when asked, in the announcement channel as a reply to the
// announcement. A room deleted from Discord is a permanent failure; the
// message then goes to the announcement channel, so it is not lost.
func (d *Discord) handlePost(ctx context.Context, job bot.Job) error {
	var p bot.PostPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return bot.Permanent(fmt.Errorf("decode post payload of job %d: %w", job.ID, err))
	}
	inc, err := d.incident(ctx, job)
	if err != nil {
		return err
	}
	room := inc.Channels[Platform]
	if room == "" {
		return bot.Permanent(fmt.Errorf("%s has no Discord room", inc.Key()))
	}
	if p.Message.OnCall {
		if p.Message.Mentions, err = bot.WithOnCall(ctx, d.cfg.OnCall, Platform, inc, p.Message.Mentions); err != nil {
			d.log.Warn("on-call lookup failed; the message goes without the on-call mention", "incident", inc.Key(), "err", err)
		}
	}
	p.Message = d.svc.Names().Message(p.Message)
	md := markdownText(p.Message)
	err = d.put(ctx, room, jobRef(job.ID), inc.Number, RenderPost(p.Message, md), putOpts{files: files(p.Message)})
	if _, code := restStatus(err); code == codeUnknownChannel && d.announces(inc) {
		d.log.Warn("discord room is gone; posting in the announcement channel instead", "incident", inc.Key(), "room", room)
		return d.put(ctx, d.cfg.Announce, jobRef(job.ID)+":fallback", inc.Number, RenderPost(p.Message, md), putOpts{})
	}
	if err != nil {
		return err
	}
	if !p.Announce || !d.announces(inc) {
		return nil
	}
	to, err := d.announceTo(ctx, inc)
	if err != nil || to == "" {
		return err
	}
	reply := ""
	if pm, _, err := d.load(ctx, announceRef(inc)); err != nil {
		return err
	} else if pm != nil {
		reply = pm.ExternalID
	}
	return d.announceErr(d.put(ctx, to, jobRef(job.ID)+":announce", inc.Number, RenderPost(p.Message, false), putOpts{reply: reply}))
}

// handleAnnounce posts a message that concerns no incident (a maintenance
// window) in the announcement channel, or in the channel the job names
// (the managers' channel), once.
func (d *Discord) handleAnnounce(ctx context.Context, job bot.Job) error {
	var p bot.PostPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return bot.Permanent(fmt.Errorf("decode announcement of job %d: %w", job.ID, err))
	}
	to, err := d.channelFor(ctx, p.Channel)
	if err != nil || to == "" {
		return err
	}
	return d.announceErr(d.put(ctx, to, jobRef(job.ID), 0, RenderPost(d.svc.Names().Message(p.Message), false), putOpts{}))
}

// handleDigest posts a KPI digest (markdown, its chart as the embed's
// image) in its channel, given by id or by name, once: the job's id is the
// message's ref.
func (d *Discord) handleDigest(ctx context.Context, job bot.Job) error {
	var p bot.DigestPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return bot.Permanent(fmt.Errorf("decode digest of job %d: %w", job.ID, err))
	}
	ch, err := d.channelID(ctx, p.Channel)
	if err != nil {
		return err
	}
	if ch == "" {
		return bot.Permanent(fmt.Errorf("digest job %d: the Discord server has no text channel %q: give its id or its exact name", job.ID, p.Channel))
	}
	return d.put(ctx, ch, jobRef(job.ID), 0, RenderPost(d.svc.Names().Message(p.Message), true), putOpts{files: files(p.Message)})
}

// announceErr keeps a broken announcement channel from failing the room's
// jobs: the failure is logged and the job goes on.
func (d *Discord) announceErr(err error) error {
	if err == nil || !bot.IsPermanent(err) {
		return err
	}
	d.log.Warn("discord announcement channel cannot be written; fix discord.announce_channel or the bot's permissions there",
		"channel", d.cfg.Announce, "err", err)
	return nil
}

// announces says whether inc is announced: announcements are on and the
// incident is not private.
func (d *Discord) announces(inc *bot.Incident) bool {
	return (d.cfg.Announce != "" || inc.Announce != "") && !inc.Private
}

// incident loads a job's incident.
func (d *Discord) incident(ctx context.Context, job bot.Job) (*bot.Incident, error) {
	if job.Incident == 0 {
		return nil, bot.Permanent(fmt.Errorf("job %d (%s) names no incident", job.ID, job.Kind))
	}
	inc, err := d.svc.Get(ctx, job.Incident)
	if bot.ErrorCode(err) == bot.CodeNotFound {
		return nil, bot.Permanent(fmt.Errorf("job %d: %w", job.ID, err))
	}
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", bot.FormatKey(job.Incident), err)
	}
	return inc, nil
}

// syncCards writes the card in the room, the room's name and tags, and the
// announcement.
func (d *Discord) syncCards(ctx context.Context, inc *bot.Incident, room string) error {
	card := Render(d.svc.CardWithAlerts(ctx, inc))
	pm, _, err := d.load(ctx, cardRef(inc))
	if err != nil {
		return err
	}
	if pm == nil && d.isForumRoom(inc) {
		// The starter message of a forum post is the card; its id is the post's.
		if err := d.save(ctx, &bot.PostedMessage{Channel: room, Ref: cardRef(inc), ExternalID: room, Incident: inc.Number}, record{}); err != nil {
			return err
		}
	}
	if err := d.put(ctx, room, cardRef(inc), inc.Number, card, putOpts{edit: true}); err != nil {
		if _, code := restStatus(err); code == codeUnknownChannel {
			d.log.Warn("discord room is gone; its card cannot be edited", "incident", inc.Key(), "room", room)
		}
		return err
	}
	if err := d.syncRoom(ctx, inc, room); err != nil {
		return err
	}
	if !d.announces(inc) {
		return nil
	}
	to, err := d.announceTo(ctx, inc)
	if err != nil || to == "" {
		return err
	}
	return d.announceErr(d.put(ctx, to, announceRef(inc), inc.Number, card, putOpts{edit: true}))
}

// deferPaced turns a card sync held back by the Budget into a card job due
// when the message may be written again, and completes the current job:
// pacing is not a failure. Changes made meanwhile merge into the deferred
// job, so the edit, when it comes, shows the latest state.
func (d *Discord) deferPaced(ctx context.Context, inc *bot.Incident, err error) error {
	wait, ok := paced(err)
	if !ok {
		return err
	}
	if err := d.svc.RefreshCard(ctx, inc.Number, Platform, wait); err != nil {
		return bot.RetryAfter(err, wait)
	}
	return nil
}

// postSummary posts, once per resolution, the timeline summary in the
// room. When postmortem drafts are on, the Service posts the draft itself.
func (d *Discord) postSummary(ctx context.Context, inc *bot.Incident, room string) error {
	if d.cfg.PostmortemDrafts {
		return nil
	}
	ref := summaryRef(inc)
	if pm, _, err := d.load(ctx, ref); err != nil || (pm != nil && pm.ExternalID != "") {
		return err
	}
	entries, err := d.svc.Timeline(ctx, inc.Number)
	if err != nil {
		return fmt.Errorf("read timeline of %s: %w", inc.Key(), err)
	}
	m := bot.Message{Incident: inc.Number, Title: "Timeline of " + inc.Key(), Text: summaryText(entries)}
	return d.put(ctx, room, ref, inc.Number, RenderPost(m, true), putOpts{})
}

// summaryText renders a timeline as lines "2006-01-02 15:04 actor: text",
// keeping the newest lines when it is longer than an embed's description.
func summaryText(entries []bot.Entry) string {
	lines := make([]string, 0, len(entries))
	for _, e := range entries {
		who := e.Actor
		if userID.MatchString(who) {
			who = "<@" + who + ">"
		} else if who == "" {
			who = "warroom"
		}
		lines = append(lines, fmt.Sprintf("%s %s: %s", e.At.UTC().Format("2006-01-02 15:04"), who, oneLine(e.Text)))
	}
	for len(lines) > 1 && len(strings.Join(lines, "\n")) > maxDescription-200 {
		lines = lines[1:]
	}
	return strings.Join(lines, "\n")
}

// markdownText says a post's text is markdown: the postmortem draft
// carries the whole draft as a markdown file and its head as text.
func markdownText(m bot.Message) bool {
	for _, a := range m.Attachments {
		if ct, _, _ := strings.Cut(a.ContentType, ";"); strings.TrimSpace(ct) == "text/markdown" {
			return true
		}
	}
	return false
}
