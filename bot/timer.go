package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// TimerEscalate is the kind of the escalation timers.
const TimerEscalate = "escalate"

// Timer is a row that says "at DueAt, do Kind level Level to Incident".
// (Incident, Kind, Level) is unique, so a level fires at most once: a
// restart neither loses a timer nor fires it again.
type Timer struct {
	ID         int64      `json:"id"`
	Incident   int64      `json:"incident"`
	Kind       string     `json:"kind"`
	Level      int        `json:"level"`
	DueAt      time.Time  `json:"due_at"`
	FiredAt    *time.Time `json:"fired_at,omitempty"`
	CanceledAt *time.Time `json:"canceled_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
}

// TimerKinds selects timers by kind: those whose kind is one of Kinds or
// starts with one of Prefixes.
type TimerKinds struct {
	Kinds    []string
	Prefixes []string
}

// Match reports whether k selects kind.
func (k TimerKinds) Match(kind string) bool {
	for _, s := range k.Kinds {
		if kind == s {
			return true
		}
	}
	for _, p := range k.Prefixes {
		if strings.HasPrefix(kind, p) {
			return true
		}
	}
	return false
}

// TimerTx is the transactional side of timers, part of Tx.
type TimerTx interface {
	// SetTimer creates the timer of (Incident, Kind, Level), or moves the
	// DueAt of one that has neither fired nor been canceled. A fired or
	// canceled timer stays as it is. It sets t.ID.
	SetTimer(ctx context.Context, t *Timer) error
	// CancelTimers cancels an incident's pending timers of the kinds given
	// and returns how many: one statement however many kinds.
	CancelTimers(ctx context.Context, incident int64, kinds []string, at time.Time) (int, error)
	// ClaimTimer locks timer id if it is pending and due at now; another
	// transaction holding it, or a timer that fired, was canceled or is not
	// due, is ErrNotFound. On PostgreSQL a locked row is skipped, not waited for.
	ClaimTimer(ctx context.Context, id int64, now time.Time) (*Timer, error)
	// FireTimer marks a claimed timer fired.
	FireTimer(ctx context.Context, id int64, at time.Time) error
}

// TimerReader lists timers outside a transaction, part of Store.
type TimerReader interface {
	// DueTimers lists up to limit pending timers of the kinds k selects
	// due at now, soonest first: each task asks only for its own kinds, so
	// a backlog of one kind never starves another.
	DueTimers(ctx context.Context, k TimerKinds, now time.Time, limit int) ([]Timer, error)
	// Timers lists an incident's timers of every state, by kind and level.
	Timers(ctx context.Context, incident int64) ([]Timer, error)
}

// timerCancels gathers the timer kinds a change cancels, so that they are
// canceled together (one statement: Tx.CancelTimers).
type timerCancels struct{ kinds []string }

func (c *timerCancels) add(kind string) { c.kinds = append(c.kinds, kind) }

// flush cancels the gathered kinds of the incident's timers.
func (c *timerCancels) flush(ctx context.Context, tx Tx, incident int64, at time.Time) error {
	if len(c.kinds) == 0 {
		return nil
	}
	if _, err := tx.CancelTimers(ctx, incident, c.kinds, at); err != nil {
		return fmt.Errorf("cancel %s timers: %w", strings.Join(c.kinds, ", "), err)
	}
	c.kinds = c.kinds[:0]
	return nil
}
