package bot

import (
	"context"
	"time"
)

// AlertTx is the alert and maintenance-window part of a transaction (Tx).
type AlertTx interface {
	// InsertAlert stores a new alert and sets a.ID, unless an alert with the
	// same source, fingerprint and start is stored already: then it changes
	// nothing and reports false. The database's unique key decides, so
	// concurrent writers never both insert.
	InsertAlert(ctx context.Context, a *Alert, receivedAt time.Time) (inserted bool, err error)
	// AlertByKey reads the stored alert with source, fingerprint and start.
	AlertByKey(ctx context.Context, source, fingerprint string, startsAt time.Time) (*Alert, error)
	// AlertEpisodes reads the stored alerts with source and fingerprint that
	// are firing, and the one with the latest start whatever its status,
	// latest start first (at most 100): the episodes of an alert whose
	// sender gives no start time.
	AlertEpisodes(ctx context.Context, source, fingerprint string) ([]Alert, error)
	// ResolveAlert marks alert id resolved at endsAt (nil: unknown).
	ResolveAlert(ctx context.Context, id int64, endsAt *time.Time) error
	// LockAlertGroup holds the group with key (existing or not) until the
	// transaction ends, so that concurrent processes agree on its incident.
	LockAlertGroup(ctx context.Context, key string) error
	// AlertGroup reads the group with key; ErrNotFound when none.
	AlertGroup(ctx context.Context, key string) (AlertGroup, error)
	// SaveAlertGroup creates or replaces a group.
	SaveAlertGroup(ctx context.Context, g AlertGroup) error

	// CreateMaintenance stores a window and sets w.ID. A window with a Name
	// that is stored already is not stored again: it reports false and
	// fills w from the stored one.
	CreateMaintenance(ctx context.Context, w *MaintenanceWindow) (created bool, err error)
	// LockMaintenance reads a window and holds it until the transaction ends.
	LockMaintenance(ctx context.Context, id int64) (*MaintenanceWindow, error)
	// EndMaintenance sets a window's EndedAt.
	EndMaintenance(ctx context.Context, id int64, at time.Time) error
	// ActiveMaintenance lists the windows that have begun and not ended at now.
	ActiveMaintenance(ctx context.Context, now time.Time) ([]MaintenanceWindow, error)
	// AddSuppressed adds n to a window's count of suppressed alerts.
	AddSuppressed(ctx context.Context, id int64, n int64) error
}

// AlertReader answers alert and maintenance-window queries outside a
// transaction (the dry run, the console, SLA reports).
type AlertReader interface {
	// Alerts lists stored alerts, oldest first.
	Alerts(ctx context.Context, f AlertFilter) ([]Alert, error)
	// StoredAlert reads the alert with source, fingerprint and start.
	StoredAlert(ctx context.Context, source, fingerprint string, startsAt time.Time) (*Alert, error)
	// StoredAlertEpisodes is AlertTx.AlertEpisodes outside a transaction.
	StoredAlertEpisodes(ctx context.Context, source, fingerprint string) ([]Alert, error)
	// StoredAlertGroup reads the group with key; ErrNotFound when none.
	StoredAlertGroup(ctx context.Context, key string) (AlertGroup, error)
	// MaintenanceWindows lists windows, by start.
	MaintenanceWindows(ctx context.Context, f MaintenanceFilter) ([]MaintenanceWindow, error)
}

// AlertGroup ties a group key to its current incident.
type AlertGroup struct {
	Key      string `json:"key"`
	Incident int64  `json:"incident"`
	// UpdatedAt is when the group took its current incident (it is not
	// written again for every alert that attaches).
	UpdatedAt time.Time `json:"updated_at"`
}

// AlertFilter selects stored alerts.
type AlertFilter struct {
	Incident int64       // 0: any
	Window   int64       // 0: any; else the alerts that window suppressed
	Status   AlertStatus // "": any
	Limit    int         // 0: no limit
}

// MaintenanceFilter selects maintenance windows.
type MaintenanceFilter struct {
	// Current: only windows that have not ended at Now (running or ahead).
	Current bool
	Now     time.Time
	// Overlapping: only windows that were active at some time in [From, To)
	// (for SLA figures).
	From, To time.Time
	Limit    int // 0: no limit
}
