package slack

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// pacedError says a call was not made because its channel must wait: its
// write slot is taken, or a 429 paused it.
type pacedError struct {
	what, channel string
	wait          time.Duration
}

func (e *pacedError) Error() string {
	return fmt.Sprintf("%s: channel %s is paced, next write in %s", e.what, e.channel, e.wait)
}

// paced reports how long the call that failed with err must wait, when it
// was held back by pacing rather than failed.
func paced(err error) (time.Duration, bool) {
	var p *pacedError
	if errors.As(err, &p) {
		return p.wait, true
	}
	return 0, false
}

// callKind says how a Web API call counts against a channel's pace.
type callKind int

const (
	callRead  callKind = iota // waits only while its method is paused by a 429
	callWrite                 // also takes one of the channel's write slots
)

// call runs one Web API call about channel (which may be "") and turns its
// failure into what the outbox understands. Every budget it keeps is
// shared by the replicas (see the README's delivery guarantees): while the
// bot token is held after an auth failure, calls wait (one of them probes,
// with backoff, and its success resumes delivery); a 429 pauses its method
// in that channel (or the method, for calls about no channel) until Slack's
// Retry-After; a write takes one of the channel's write slots. Every wait is
// a bot.Wait; permanent errors are dead-lettered; anything else retries
// with backoff. Callers may still look at the Slack error code of the
// returned error. what starts with the method's name.
func (s *Slack) call(ctx context.Context, channel string, kind callKind, what string, fn func(ctx context.Context) error) error {
	channel = s.paceKey(channel)
	method, _, _ := strings.Cut(what, " ")
	pause := method
	if channel != "" {
		pause = method + ":" + channel
	}
	// one read for the hold and the pause, one statement for the slot
	probe, d, err := s.guard.Check(ctx, pause)
	if _, held := bot.WaitHint(err); held {
		return err
	}
	if err == nil && d == 0 && kind == callWrite && channel != "" {
		d, err = s.guard.Take(ctx, "chan:"+channel, s.cfg.ChannelInterval, s.cfg.ChannelBurst)
	}
	if err != nil {
		return fmt.Errorf("%s: read slack budgets: %w", what, err)
	}
	if d > 0 {
		return bot.Wait(&pacedError{what: what, channel: cmp.Or(channel, method), wait: d}, d)
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	err = fn(cctx)
	if err == nil {
		s.guard.Accepted(ctx, probe)
		return nil
	}
	err = fmt.Errorf("%s: %w", what, err)
	class, after := classify(err)
	switch class {
	case classRateLimit:
		s.guard.Accepted(ctx, probe)
		if perr := s.guard.Pause(ctx, pause, after); perr != nil {
			s.log.Warn("pause slack after a 429", "bucket", pause, "err", perr)
		}
		return bot.Wait(err, after)
	case classAuth:
		return s.guard.Refused(ctx, slackCode(err), probe, err)
	case classPermanent:
		s.guard.Accepted(ctx, probe)
		return bot.Permanent(err)
	}
	return err
}

// paceKey names a channel for pacing: the announcement channel is one key
// whether it is written by its configured name or by the id Slack answered.
func (s *Slack) paceKey(channel string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if channel != "" && (channel == s.announceName || channel == s.announce) {
		return "announce"
	}
	return channel
}

// record is what warroom keeps about one thing it did in Slack, in the
// body of a bot.PostedMessage: the hash of a message's rendering (to skip
// edits that change nothing), whether it is pinned, and small state such as
// the topic set or the people invited.
type record struct {
	Hash   string   `json:"hash,omitempty"`
	Pinned bool     `json:"pinned,omitempty"`
	Text   string   `json:"text,omitempty"`
	Users  []string `json:"users,omitempty"`
	Names  []string `json:"names,omitempty"` // channel names asked for (channelRef)
	// Posting marks a message being posted without an answer yet: a later
	// attempt looks for it in Slack before posting (reconcile.go).
	Posting bool `json:"posting,omitempty"`
}

// load returns the message stored under ref and its record; nil when none.
func (s *Slack) load(ctx context.Context, ref string) (*bot.PostedMessage, record, error) {
	var rec record
	pm, err := s.svc.PostedRecord(ctx, Platform, ref, &rec)
	return pm, rec, err
}

// save stores pm with rec as its body.
func (s *Slack) save(ctx context.Context, pm *bot.PostedMessage, rec record) error {
	return s.svc.SavePostedRecord(ctx, Platform, pm, rec)
}

// rendering is a message ready to send, and the hash that identifies it.
type rendering struct {
	blocks   []slack.Block
	fallback string
	hash     string
}

func render(m bot.Message, markdown bool) (rendering, error) {
	blocks, fallback := renderMessage(m, markdown)
	b, err := json.Marshal(struct {
		B []slack.Block `json:"b"`
		F string        `json:"f"`
	}{blocks, fallback})
	if err != nil {
		return rendering{}, bot.Permanent(fmt.Errorf("encode blocks: %w", err))
	}
	sum := sha256.Sum256(b)
	return rendering{blocks: blocks, fallback: fallback, hash: hex.EncodeToString(sum[:16])}, nil
}

// msgOptions are the options of every message warroom posts: its blocks,
// the escaped fallback, and no unfurling of links in user text.
func (r rendering) msgOptions() []slack.MsgOption {
	return []slack.MsgOption{
		slack.MsgOptionBlocks(r.blocks...), slack.MsgOptionText(r.fallback, false),
		slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl(),
	}
}
