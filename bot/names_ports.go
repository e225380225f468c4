package bot

import (
	"context"
	"time"
)

// PersonName is what a chat platform says of one of its users: the name
// people read and, where it tells it, their e-mail address. Stored in the
// people table so that replicas share it and a restart does not ask again.
type PersonName struct {
	Platform    string    `json:"platform"`
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Email       string    `json:"email,omitempty"`
	RefreshedAt time.Time `json:"refreshed_at"`
}

// NamesReader reads the stored display names.
type NamesReader interface {
	// PersonNames lists every stored name.
	PersonNames(ctx context.Context) ([]PersonName, error)
}

// NamesTx stores display names.
type NamesTx interface {
	// SavePersonName stores or replaces the name of (p.Platform, p.ID).
	SavePersonName(ctx context.Context, p PersonName) error
}
