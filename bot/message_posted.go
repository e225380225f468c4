package bot

import (
	"context"
	"encoding/json"
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
	return s.store.InTx(ctx, func(tx Tx) error { return tx.SaveMessage(ctx, m) })
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
