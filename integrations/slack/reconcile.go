package slack

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// Never twice: every message warroom posts carries Slack message metadata
// naming its ref (event type warroom_message, payload {"ref": ...}). Just
// before chat.postMessage is sent, the ref is recorded as being posted; once
// Slack answers, the message's ts replaces that mark. A later attempt that
// finds the mark without a ts (the process died, or the answer was lost,
// after Slack may have posted) reads the channel's history (or the
// thread's replies) with include_all_metadata and adopts the message it
// finds instead of posting it again.

// metadataEvent is the event type of warroom's message metadata.
const metadataEvent = "warroom_message"

// maxHistoryPages bounds the history read looking for a message an earlier
// attempt may have posted (200 messages a page).
const maxHistoryPages = 5

// refMetadata is the metadata that names a message's ref.
func refMetadata(ref string) slack.MsgOption {
	return slack.MsgOptionMetadata(slack.SlackMetadata{EventType: metadataEvent, EventPayload: map[string]any{"ref": ref}})
}

// reconcilePost looks for the message an earlier attempt began posting
// under pm.Ref and adopts it (its ts, an unknown rendering) when found.
// Without a mark of an attempt, or when nothing is found, pm comes back
// without a ts: the caller posts.
func (s *Slack) reconcilePost(ctx context.Context, pm *bot.PostedMessage, rec record, channel, thread string) (*bot.PostedMessage, record, error) {
	if !rec.Posting {
		return pm, rec, nil
	}
	ts, err := s.findPosted(ctx, channel, thread, pm.Ref, pm.UpdatedAt)
	if bot.IsPermanent(err) {
		// The history cannot be read (not in the channel, no history
		// scope): posting again risks a duplicate; not posting loses it.
		s.log.Warn("cannot look for a message an earlier attempt may have posted; posting it again "+
			"(invite the bot to the channel and grant channels:history and groups:history to avoid duplicates)",
			"ref", pm.Ref, "channel", channel, "err", err)
		return pm, rec, nil
	}
	if err != nil {
		return nil, rec, err
	}
	if ts == "" {
		return pm, rec, nil
	}
	s.log.Info("adopting the message an earlier attempt posted", "ref", pm.Ref, "channel", channel, "ts", ts)
	if pm.Channel == "" {
		pm.Channel = channel
	}
	pm.ExternalID = ts
	rec.Posting, rec.Hash = false, "" // the rendering it has is unknown: an edit brings it up to date
	if err := s.save(ctx, pm, rec); err != nil {
		return nil, rec, err
	}
	return pm, rec, nil
}

// findPosted returns the ts of the message carrying ref's metadata in
// channel (or in thread's replies), posted since (less a minute for clock
// skew), or "" when there is none.
func (s *Slack) findPosted(ctx context.Context, channel, thread, ref string, since time.Time) (string, error) {
	oldest := ""
	if !since.IsZero() {
		oldest = strconv.FormatInt(since.Add(-time.Minute).Unix(), 10) + ".000000"
	}
	cursor := ""
	for page := 0; page < maxHistoryPages; page++ {
		var msgs []slack.Message
		var next string
		err := s.call(ctx, channel, callRead, "conversations.history "+ref, func(ctx context.Context) error {
			if thread != "" {
				var err error
				msgs, _, next, err = s.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
					ChannelID: channel, Timestamp: thread, Cursor: cursor, Oldest: oldest, Limit: 200, IncludeAllMetadata: true,
				})
				return err
			}
			res, err := s.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: channel, Cursor: cursor, Oldest: oldest, Limit: 200, IncludeAllMetadata: true,
			})
			if err != nil {
				return err
			}
			msgs, next = res.Messages, res.ResponseMetaData.NextCursor
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("look for message %s posted by an earlier attempt: %w", ref, err)
		}
		for _, m := range msgs {
			if m.Metadata.EventType == metadataEvent && m.Metadata.EventPayload["ref"] == ref {
				return m.Timestamp, nil
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	return "", nil
}

// notPosted reports whether a failed chat.postMessage certainly posted
// nothing: Slack refused it (ok:false, other than its internal errors) or
// rate-limited it.
func notPosted(err error) bool {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return true
	}
	var se slack.StatusCodeError
	if errors.As(err, &se) {
		return se.Code == 429 || se.Code >= 400 && se.Code < 500 && se.Code != 408
	}
	code := slackCode(err)
	return code != "" && code != "internal_error" && code != "fatal_error" && code != "request_timeout"
}
