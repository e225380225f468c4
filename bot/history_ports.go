package bot

import (
	"context"
	"time"
)

// The whole history at once: what `warroom export --format bundle` reads
// and `warroom import` of a bundle writes (bot/history). Rows keep their
// ids and incident numbers.

// BundleStore reads and writes the whole history (part of HistoryStore).
type BundleStore interface {
	// ReadHistory runs fn over one consistent snapshot of the database.
	ReadHistory(ctx context.Context, fn func(r HistoryReader) error) error
	// WriteHistory runs fn in one transaction on a database that holds no
	// history yet (no incident, timeline entry, action item, alert,
	// maintenance window, audit record...): on any other it returns a
	// CodeConflict error before fn runs. After fn, the incident counter
	// and every id sequence move past the highest written, so that later
	// rows never collide. An error from fn rolls everything back.
	WriteHistory(ctx context.Context, fn func(w HistoryWriter) error) error
}

// HistoryReader streams every row of one kind, in a stable order (by
// number or id), without holding them all in memory.
type HistoryReader interface {
	EachWindow(ctx context.Context, fn func(*StoredWindow) error) error
	EachIncident(ctx context.Context, fn func(*Incident) error) error
	EachEntry(ctx context.Context, fn func(*Entry) error) error
	EachAction(ctx context.Context, fn func(*ActionItem) error) error
	EachAlertGroup(ctx context.Context, fn func(*AlertGroup) error) error
	EachAlert(ctx context.Context, fn func(*StoredAlert) error) error
	EachPostmortem(ctx context.Context, fn func(*Postmortem) error) error
	EachTimer(ctx context.Context, fn func(*Timer) error) error
	EachProblem(ctx context.Context, fn func(*Problem) error) error
	EachProblemLink(ctx context.Context, fn func(*ProblemLink) error) error
	EachProblemAction(ctx context.Context, fn func(*ProblemAction) error) error
	// EachAudit streams the audit records made at or after since (zero:
	// all), oldest first.
	EachAudit(ctx context.Context, since time.Time, fn func(*AuditRecord) error) error
}

// HistoryWriter writes rows exactly as given, ids and numbers included.
type HistoryWriter interface {
	PutWindow(ctx context.Context, w *StoredWindow) error
	// PutIncident writes the incident and the channel links of its
	// Channels.
	PutIncident(ctx context.Context, inc *Incident) error
	PutEntry(ctx context.Context, e *Entry) error
	PutAction(ctx context.Context, a *ActionItem) error
	PutAlertGroup(ctx context.Context, g *AlertGroup) error
	PutAlert(ctx context.Context, a *StoredAlert) error
	PutPostmortem(ctx context.Context, p *Postmortem) error
	PutTimer(ctx context.Context, t *Timer) error
	PutProblem(ctx context.Context, p *Problem) error
	PutProblemLink(ctx context.Context, l *ProblemLink) error
	PutProblemAction(ctx context.Context, a *ProblemAction) error
	PutAudit(ctx context.Context, a *AuditRecord) error
}

// StoredWindow is a maintenance window with the store's bookkeeping of
// its announcements, so that a moved window is not announced again.
type StoredWindow struct {
	MaintenanceWindow
	StartAnnouncedAt *time.Time `json:"start_announced_at,omitempty"`
	EndAnnouncedAt   *time.Time `json:"end_announced_at,omitempty"`
}

// StoredAlert is an alert with when warroom received it.
type StoredAlert struct {
	Alert
	ReceivedAt time.Time `json:"received_at"`
}
