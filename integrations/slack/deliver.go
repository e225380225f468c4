package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// Refs: the stable identity of each thing warroom does in Slack, so that a
// card is edited in place and a retried job never posts twice.
func cardRef(inc *bot.Incident) string     { return "card:" + inc.Key() }
func announceRef(inc *bot.Incident) string { return "announce:" + inc.Key() }
func inviteRef(inc *bot.Incident) string   { return "invite:" + inc.Key() }
func topicRef(inc *bot.Incident) string    { return "topic:" + inc.Key() }
func channelRef(inc *bot.Incident) string  { return "channel:" + inc.Key() }
func jobRef(id int64) string               { return "job:" + strconv.FormatInt(id, 10) }
func summaryRef(inc *bot.Incident) string {
	at := int64(0)
	if inc.ResolvedAt != nil {
		at = inc.ResolvedAt.Unix()
	}
	return "summary:" + inc.Key() + ":" + strconv.FormatInt(at, 10)
}

// handleOpen creates the incident channel, invites people, sets the topic,
// posts and pins the card and announces the incident. Each step is
// recorded, so a retry picks up where the last attempt stopped.
func (s *Slack) handleOpen(ctx context.Context, job bot.Job) error {
	inc, err := s.incident(ctx, job)
	if err != nil {
		return err
	}
	inc, ch, err := s.ensureChannel(ctx, inc)
	if err != nil {
		return err
	}
	if err := s.invite(ctx, inc, ch); err != nil {
		return err
	}
	if err := s.invitePeople(ctx, inc, ch); err != nil {
		return err
	}
	return s.deferPaced(ctx, inc, s.syncCards(ctx, inc, ch))
}

// handleCard brings the card, the announcement and the topic up to the
// incident's current state, with one edit each however many changes were
// coalesced into the job; when the incident has resolved, it posts the
// summary once.
func (s *Slack) handleCard(ctx context.Context, job bot.Job) error {
	inc, err := s.incident(ctx, job)
	if err != nil {
		return err
	}
	ch := inc.Channels[Platform]
	if ch == "" {
		return nil // the channel was never created (its open job failed): nothing to edit
	}
	if err := s.invite(ctx, inc, ch); err != nil {
		return err
	}
	if err := s.invitePeople(ctx, inc, ch); err != nil {
		return err
	}
	if err := s.syncCards(ctx, inc, ch); err != nil {
		return s.deferPaced(ctx, inc, err)
	}
	if inc.Status == bot.StatusResolved && inc.ResolvedAt != nil {
		return s.postSummary(ctx, inc, ch)
	}
	return nil
}

// handlePost posts a message in the incident channel, with its files (a
// postmortem draft), and, when asked, in the announcement channel (in the
// announcement's thread, without files).
func (s *Slack) handlePost(ctx context.Context, job bot.Job) error {
	var p bot.PostPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return bot.Permanent(fmt.Errorf("decode post payload of job %d: %w", job.ID, err))
	}
	inc, err := s.incident(ctx, job)
	if err != nil {
		return err
	}
	ch := inc.Channels[Platform]
	if ch == "" {
		return bot.Permanent(fmt.Errorf("%s has no Slack channel", inc.Key()))
	}
	if p.Message.OnCall {
		if p.Message.Mentions, err = bot.WithOnCall(ctx, s.cfg.OnCall, Platform, inc, p.Message.Mentions); err != nil {
			s.log.Warn("on-call lookup failed; the message goes without the on-call mention", "incident", inc.Key(), "err", err)
		}
	}
	md := markdownText(p.Message)
	if err := s.postWithFiles(ctx, ch, jobRef(job.ID), inc.Number, p.Message, md); err != nil {
		return err
	}
	if !p.Announce || !s.announces(inc) {
		return nil
	}
	thread, err := s.announcement(ctx, inc)
	if err != nil || thread == "" {
		return err // paced: the update waits (not a failure) to go in the thread
	}
	return s.announceErr(s.put(ctx, s.announceTo(inc), jobRef(job.ID)+":announce", inc.Number, p.Message, putOpts{thread: thread, markdown: md}))
}

// announcement returns the ts of inc's announcement, the thread its
// updates go in. An update can come before it: the open job's announcement
// was paced (the announcement channel is shared, one write a second) and
// deferred to a card job queued after the update. The announcement is then
// posted now, as the card job would (it finds it posted and only edits),
// so the update never lands top-level; a paced post returns its wait. ""
// with no error: the announcement channel cannot be written (logged).
func (s *Slack) announcement(ctx context.Context, inc *bot.Incident) (string, error) {
	pm, _, err := s.load(ctx, announceRef(inc))
	if err != nil {
		return "", err
	}
	if pm != nil && pm.ExternalID != "" {
		return pm.ExternalID, nil
	}
	card := s.svc.CardWithAlerts(ctx, inc)
	if err := s.announceErr(s.put(ctx, s.announceTo(inc), announceRef(inc), inc.Number, card, putOpts{edit: true})); err != nil {
		return "", err
	}
	if pm, _, err = s.load(ctx, announceRef(inc)); err != nil || pm == nil {
		return "", err
	}
	return pm.ExternalID, nil
}

// announceErr keeps a broken announcement channel (deleted, archived, the
// bot not allowed in it) from failing the incident channel's jobs: the
// failure is logged and the job goes on.
func (s *Slack) announceErr(err error) error {
	if err == nil || !bot.IsPermanent(err) {
		return err
	}
	s.log.Warn("slack announcement channel cannot be written; fix announce_channel or invite the bot",
		"channel", s.announceChannel(), "slack_error", slackCode(err))
	return nil
}

// incident loads a job's incident.
func (s *Slack) incident(ctx context.Context, job bot.Job) (*bot.Incident, error) {
	if job.Incident == 0 {
		return nil, bot.Permanent(fmt.Errorf("job %d (%s) names no incident", job.ID, job.Kind))
	}
	inc, err := s.svc.Get(ctx, job.Incident)
	if bot.ErrorCode(err) == bot.CodeNotFound {
		return nil, bot.Permanent(fmt.Errorf("job %d: %w", job.ID, err))
	}
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", bot.FormatKey(job.Incident), err)
	}
	return inc, nil
}

// syncCards writes the card (pinned) in the incident channel, the topic,
// and the announcement.
func (s *Slack) syncCards(ctx context.Context, inc *bot.Incident, ch string) error {
	card := s.svc.CardWithAlerts(ctx, inc)
	if err := s.put(ctx, ch, cardRef(inc), inc.Number, card, putOpts{pin: true, edit: true}); err != nil {
		return err
	}
	if err := s.setTopic(ctx, inc, ch); err != nil {
		return err
	}
	if !s.announces(inc) {
		return nil
	}
	return s.announceErr(s.put(ctx, s.announceTo(inc), announceRef(inc), inc.Number, card, putOpts{edit: true}))
}

// announces says whether inc is announced: announcements are on and the
// incident is not private.
func (s *Slack) announces(inc *bot.Incident) bool { return s.announceTo(inc) != "" && !inc.Private }

// announceTo is the channel inc is announced in: the one its alert route
// names, else the configured announcement channel.
func (s *Slack) announceTo(inc *bot.Incident) string {
	if inc.Announce != "" {
		return inc.Announce
	}
	return s.announceChannel()
}

func (s *Slack) announceChannel() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.announce
}

// putOpts say how a message is kept.
type putOpts struct {
	edit   bool   // edited in place when its rendering changes (cards)
	pin    bool   // pinned once posted
	thread string // posted as a reply in this thread
	// markdown says the text is markdown (a digest, a postmortem draft),
	// converted to mrkdwn; otherwise it is shown as written.
	markdown bool
}

// put makes the message stored under ref say m: posted once, then edited in
// place (when o.edit) only when its rendering changed. A card whose
// message is gone from Slack is posted again.
func (s *Slack) put(ctx context.Context, channel, ref string, incident int64, m bot.Message, o putOpts) error {
	r, err := render(s.svc.Names().Message(m), o.markdown)
	if err != nil {
		return err
	}
	pm, rec, err := s.load(ctx, ref)
	if err != nil {
		return err
	}
	if pm != nil && pm.ExternalID == "" {
		if pm, rec, err = s.reconcilePost(ctx, pm, rec, channel, o.thread); err != nil {
			return err
		}
	}
	if pm != nil && pm.ExternalID != "" && o.edit && rec.Hash != r.hash {
		err := s.call(ctx, pm.Channel, callWrite, "chat.update "+ref, func(ctx context.Context) error {
			_, _, _, err := s.api.UpdateMessageContext(ctx, pm.Channel, pm.ExternalID, r.msgOptions()...)
			return err
		})
		switch code := slackCode(err); {
		case code == "message_not_found" || code == "cant_update_message" || code == "edit_window_closed":
			s.log.Warn("slack card gone, posting it again", "ref", ref, "slack_error", code)
			pm, rec = nil, record{}
		case err != nil:
			return err
		default:
			rec.Hash = r.hash
			if err := s.save(ctx, pm, rec); err != nil {
				return err
			}
		}
	}
	if pm == nil || pm.ExternalID == "" {
		opts := append(r.msgOptions(), refMetadata(ref))
		if o.thread != "" {
			opts = append(opts, slack.MsgOptionTS(o.thread))
		}
		if pm == nil {
			pm = &bot.PostedMessage{Channel: channel, Ref: ref, Incident: incident}
		}
		var postedCh, ts string
		err := s.call(ctx, channel, callWrite, "chat.postMessage "+ref, func(ctx context.Context) error {
			rec.Posting = true // recorded before the call: its outcome may never be known
			if err := s.save(ctx, pm, rec); err != nil {
				return err
			}
			var err error
			postedCh, ts, err = s.api.PostMessageContext(ctx, channel, opts...)
			return err
		})
		if err != nil {
			if rec.Posting && notPosted(err) {
				rec.Posting = false
				_ = s.save(ctx, pm, rec) // best effort: a stale mark only costs a history read
			}
			return err
		}
		pm.Channel, pm.ExternalID, rec = postedCh, ts, record{Hash: r.hash}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
		err = s.save(sctx, pm, rec) // recorded whatever happens to this job now: the message exists
		cancel()
		if err != nil {
			return err
		}
		s.learnAnnounce(channel, postedCh)
	}
	if o.pin && !rec.Pinned {
		err := s.call(ctx, pm.Channel, callRead, "pins.add "+ref, func(ctx context.Context) error {
			return s.api.AddPinContext(ctx, pm.Channel, slack.NewRefToMessage(pm.Channel, pm.ExternalID))
		})
		if err != nil && slackCode(err) != "already_pinned" {
			return err
		}
		rec.Pinned = true
		return s.save(ctx, pm, rec)
	}
	return nil
}

// learnAnnounce replaces the configured announcement channel name by the id
// Slack answered with, so that later writes and pacing use one key.
func (s *Slack) learnAnnounce(asked, got string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if got != "" && asked == s.announce {
		s.announce = got
	}
}
