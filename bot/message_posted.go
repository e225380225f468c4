package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// PostedMessage is a message the bot posted on a chat platform, kept so it can
// be edited in place and is never posted twice.
type PostedMessage struct {
	ID         int64           `json:"id"`
	Platform   string          `json:"platform"`
	Channel    string          `json:"channel"`
	Ref        string          `json:"ref"`         // stable identity, e.g. "card:INC-42", "job:17"
	ExternalID string          `json:"external_id"` // the platform's id (Slack ts, Discord id)
	Incident   int64           `json:"incident,omitempty"`
	Body       json.RawMessage `json:"body,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// The messages port of the chat adapters: an adapter keeps what it posted
// through these, never through the store.

// SaveMessage stores m, a message a chat adapter posted or edited: a new
// (Platform, Ref) is inserted, a known one updated, keeping its first ID
// and CreatedAt, which are set on m.
func (s *Service) SaveMessage(ctx context.Context, m *PostedMessage) error {
	if ms, ok := s.store.(messageSaver); ok {
		return ms.SaveMessage(ctx, m)
	}
	return s.SaveMessages(ctx, m)
}

// SaveMessages is SaveMessage for several messages, in one transaction:
// all are stored or none.
func (s *Service) SaveMessages(ctx context.Context, ms ...*PostedMessage) error {
	if ms2, ok := s.store.(messagesSaver); ok {
		return ms2.SaveMessages(ctx, ms...)
	}
	return s.store.InTx(ctx, func(tx Tx) error {
		for _, m := range ms {
			if err := tx.SaveMessage(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// messagesSaver is a store that saves several posted messages, all or
// none, as Tx.SaveMessage for each in one transaction would, in fewer
// round trips where its database allows (PostgreSQL: one statement).
type messagesSaver interface {
	SaveMessages(ctx context.Context, ms ...*PostedMessage) error
}

// messageSaver is a store that saves one posted message by itself, as
// Tx.SaveMessage in a transaction of its own would, in fewer round trips
// where its database allows (PostgreSQL: one statement).
type messageSaver interface {
	SaveMessage(ctx context.Context, m *PostedMessage) error
}

// ClaimMessage stores m only if the record under (m.Platform, m.Ref) is
// still prev, the one the caller read (nil: none yet), and reports whether
// it did: a claim that exactly one of several replicas racing from the same
// read wins (e.g. "I am creating this incident's ticket"). A loser should
// read the record again and wait for, or adopt, the winner's result.
func (s *Service) ClaimMessage(ctx context.Context, m *PostedMessage, prev *PostedMessage) (bool, error) {
	var won bool
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		won, err = tx.ClaimMessage(ctx, m, prev)
		return err
	})
	return won, err
}

// MessageByRef returns the message stored under ref on platform, or
// ErrNotFound.
func (s *Service) MessageByRef(ctx context.Context, platform, ref string) (*PostedMessage, error) {
	return s.store.MessageByRef(ctx, platform, ref)
}

// Messages lists a channel's messages, oldest first, at most limit of the
// newest (0: all).
func (s *Service) Messages(ctx context.Context, platform, channel string, limit int) ([]PostedMessage, error) {
	return s.store.Messages(ctx, platform, channel, limit)
}

// PostedRecord reads the message posted under ref on platform and decodes
// the adapter's record of it (its Body) into rec. It returns nil, and
// leaves rec alone, when nothing was posted under ref. An unreadable
// record is ignored: it only costs a redundant edit.
func (s *Service) PostedRecord(ctx context.Context, platform, ref string, rec any) (*PostedMessage, error) {
	pm, err := s.store.MessageByRef(ctx, platform, ref)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read message %s: %w", ref, err)
	}
	if len(pm.Body) > 0 {
		_ = json.Unmarshal(pm.Body, rec)
	}
	return pm, nil
}

// SavePostedRecord stores pm on platform with rec, the adapter's record of
// it, as its body.
func (s *Service) SavePostedRecord(ctx context.Context, platform string, pm *PostedMessage, rec any) error {
	body, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode record %s: %w", pm.Ref, err)
	}
	now := s.Now()
	pm.Platform, pm.Body, pm.UpdatedAt = platform, body, now
	if pm.CreatedAt.IsZero() {
		pm.CreatedAt = now
	}
	if err := s.SaveMessage(ctx, pm); err != nil {
		return fmt.Errorf("save message %s: %w", pm.Ref, err)
	}
	return nil
}
