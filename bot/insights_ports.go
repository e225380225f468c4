package bot

import (
	"context"
	"time"
)

// Postmortem is an incident's stored postmortem draft.
type Postmortem struct {
	Incident    int64     `json:"incident"`
	Body        string    `json:"body"` // markdown
	GeneratedAt time.Time `json:"generated_at"`
	Version     int64     `json:"version"` // 1 for the first draft, +1 per regeneration
}

// InsightsTx is the transactional side of digests and postmortems (part
// of Tx).
type InsightsTx interface {
	// ClaimSlot records that slot of schedule ran. first is false when it
	// was claimed before (by this process, an earlier run, or a replica):
	// (schedule, slot) is unique in the database.
	ClaimSlot(ctx context.Context, schedule string, slot time.Time, owner string, at time.Time) (first bool, err error)
	// SavePostmortem stores an incident's draft, replacing an older one
	// and setting p.Version.
	SavePostmortem(ctx context.Context, p *Postmortem) error
}

// InsightsReader reads what InsightsTx wrote, and sums incidents up (part
// of Reader).
type InsightsReader interface {
	KPIReader
	// LastSlot is the newest claimed slot of schedule; ok is false for none.
	LastSlot(ctx context.Context, schedule string) (slot time.Time, ok bool, err error)
	// Postmortem is an incident's stored draft, or ErrNotFound.
	Postmortem(ctx context.Context, incident int64) (*Postmortem, error)
}

// HistoryStore exports and imports incident history in bulk (part of
// Store).
type HistoryStore interface {
	BundleStore
	// ExportIncidents calls fn for every incident declared at or after
	// since (zero: all), by number, without holding them all in memory.
	ExportIncidents(ctx context.Context, since time.Time, fn func(inc *Incident) error) error
	// ImportIncidents writes the incidents next returns (nil at the end) in
	// one transaction, in batches: an incident whose number exists is
	// replaced (unless it is equal but for its UpdatedAt: then it is left
	// alone, counted in neither), a new one inserted, and the incident
	// counter moves past the
	// highest number so that later declares never collide. An error from
	// next rolls everything back.
	ImportIncidents(ctx context.Context, next func() (*Incident, error)) (created, updated int, err error)
}
