package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// PinInput is a chat message someone pinned (or marked with a pushpin) in an
// incident's channel, to be kept on the timeline.
type PinInput struct {
	Platform  string    // "slack", "discord"
	Channel   string    // the platform's channel id
	MessageID string    // the platform's message id (Slack ts)
	Author    string    // who wrote the message
	PinnedBy  string    // who pinned it
	Text      string    // the message text
	At        time.Time // when the message was written; zero: now
	// Delivery, when set, names the inbound delivery that carried the pin
	// (e.g. "slack-event:Ev123"); it is marked seen in the same
	// transaction, so a redelivered event changes nothing.
	Delivery string
}

// PinMessage records a pinned chat message on the incident's timeline, once
// per message however often the pin is reported. It reports whether an
// entry was added.
func (s *Service) PinMessage(ctx context.Context, number int64, in PinInput) (bool, error) {
	text := SanitizeText(in.Text, MaxTextLen)
	if in.Platform == "" || in.Channel == "" || in.MessageID == "" {
		return false, Errorf(CodeInvalid, "a pinned message needs its platform, channel and id")
	}
	if text == "" {
		text = "(a message with no text)"
	}
	author, actor := normalizeUser(in.Author), normalizeUser(in.PinnedBy)
	if actor == "" {
		actor = author
	}
	now := s.Now()
	at := in.At.UTC().Truncate(time.Microsecond)
	if in.At.IsZero() || at.After(now) {
		at = now
	}
	added := false
	err := s.store.InTx(ctx, func(tx Tx) error {
		if in.Delivery != "" {
			source, key, _ := strings.Cut(in.Delivery, ":")
			first, err := tx.MarkSeen(ctx, source, key, now)
			if err != nil {
				return fmt.Errorf("mark delivery seen: %w", err)
			}
			if !first {
				return nil
			}
		}
		inc, err := tx.LockIncident(ctx, number)
		if errors.Is(err, ErrNotFound) {
			return Errorf(CodeNotFound, "%s does not exist", FormatKey(number))
		}
		if err != nil {
			return fmt.Errorf("load %s: %w", FormatKey(number), err)
		}
		first, err := tx.MarkSeen(ctx, "pin:"+in.Platform, in.Channel+"/"+in.MessageID, now)
		if err != nil {
			return fmt.Errorf("mark pin seen: %w", err)
		}
		if !first {
			return nil
		}
		e := &Entry{Incident: inc.Number, At: at, Kind: EntryMessagePinned, Actor: actor, Text: text,
			Data: map[string]string{"platform": in.Platform, "channel": in.Channel, "message": in.MessageID, "author": author}}
		if err := tx.AddEntry(ctx, e); err != nil {
			return fmt.Errorf("add timeline entry: %w", err)
		}
		rec := &AuditRecord{At: now, Actor: actor, Action: "pin", Incident: inc.Number,
			After: map[string]any{"pinned": in.Platform + ":" + in.Channel + "/" + in.MessageID}}
		if err := tx.AddAudit(ctx, rec); err != nil {
			return fmt.Errorf("add audit record: %w", err)
		}
		added = true
		return nil
	})
	return added, err
}
