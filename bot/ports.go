package bot

import (
	"context"
	"time"
)

// Store is the persistence port. Implementations: storage/sqlite and
// storage/postgres, both held to storage/storetest. Each room's part of it
// is its own small interface (AlertTx, TimerTx, InsightsTx, ...), all of
// them required: no capability is optional.
type Store interface {
	Reader
	Outbox
	OutboxAdmin
	Housekeeping
	HistoryStore
	Budgets
	// InTx runs fn in one read-write transaction, committed when fn returns
	// nil and rolled back otherwise. The Tx is not used after fn returns.
	InTx(ctx context.Context, fn func(tx Tx) error) error
	// Ping reports whether the database answers and its schema is current.
	Ping(ctx context.Context) error
	Close() error
}

// Reader answers queries outside a transaction. Missing rows are ErrNotFound.
type Reader interface {
	AlertReader
	IncidentSearcher
	TimerReader
	InsightsReader
	MaintenanceAnnounceReader
	TokenReader
	NamesReader
	ProblemReader
	Incident(ctx context.Context, number int64) (*Incident, error)
	IncidentByChannel(ctx context.Context, platform, channel string) (*Incident, error)
	Incidents(ctx context.Context, f IncidentFilter) ([]*Incident, error)
	Timeline(ctx context.Context, number int64) ([]Entry, error)
	// TimelineAfter is the part of an incident's timeline after the entry
	// whose ID is after, oldest first.
	TimelineAfter(ctx context.Context, number, after int64) ([]Entry, error)
	Actions(ctx context.Context, f ActionFilter) ([]ActionItem, error)
	Audit(ctx context.Context, f AuditFilter) ([]AuditRecord, error)
	CountByStatus(ctx context.Context) (map[Status]int, error)
	MessageByRef(ctx context.Context, platform, ref string) (*PostedMessage, error)
	// Messages lists a channel's messages, oldest first, at most limit of the newest.
	Messages(ctx context.Context, platform, channel string, limit int) ([]PostedMessage, error)
}

// Tx is one read-write transaction.
type Tx interface {
	AlertTx
	TimerTx
	InsightsTx
	MaintenanceAnnounceTx
	TokenTx
	NamesTx
	ProblemTx
	// NextIncidentNumber allocates the next incident number: unique,
	// increasing, never reused. On SQLite numbers are gap-free (a
	// rolled-back transaction returns its number); on PostgreSQL they come
	// from a sequence, so that concurrent declares never wait for each
	// other, and a rolled-back transaction leaves a gap.
	NextIncidentNumber(ctx context.Context) (int64, error)
	CreateIncident(ctx context.Context, inc *Incident) error
	// LockIncident reads an incident and holds it until the transaction ends.
	LockIncident(ctx context.Context, number int64) (*Incident, error)
	// LockIncidentByChannel is LockIncident of the incident a platform's
	// channel belongs to (ErrNotFound: none).
	LockIncidentByChannel(ctx context.Context, platform, channel string) (*Incident, error)
	UpdateIncident(ctx context.Context, inc *Incident) error
	// UpdateIncidentCounts writes only inc's Alerts, AlertsFiring, Version
	// and UpdatedAt, for a locked incident whose other fields are as read.
	UpdateIncidentCounts(ctx context.Context, inc *Incident) error
	// LinkChannel maps a platform's channel to an incident (one incident per channel).
	LinkChannel(ctx context.Context, number int64, platform, channel string) error
	AddEntry(ctx context.Context, e *Entry) error          // sets e.ID
	AddAudit(ctx context.Context, a *AuditRecord) error    // sets a.ID
	AddAction(ctx context.Context, a *ActionItem) error    // sets a.ID
	UpdateAction(ctx context.Context, a *ActionItem) error // by ID
	IncidentActions(ctx context.Context, number int64) ([]ActionItem, error)
	// Enqueue writes an outbox job (Status pending, NextAt as given). When
	// CoalesceKey is set and a pending job has the same key, it adds nothing.
	Enqueue(ctx context.Context, j *Job) error
	SaveMessage(ctx context.Context, m *PostedMessage) error
	// ClaimMessage is SaveMessage as a compare-and-set: it stores m only
	// if the record under (m.Platform, m.Ref) is still prev, compared by
	// body (prev nil: there is no record yet), and reports whether it did.
	// Of writers racing from one read, exactly one wins.
	ClaimMessage(ctx context.Context, m *PostedMessage, prev *PostedMessage) (bool, error)
	// MarkSeen records that an inbound delivery (a Slack event_id, a
	// PagerDuty webhook id, a pinned message) was handled, and reports
	// whether this is the first time source and key were seen. A redelivery
	// answers false, so its effects are written once.
	MarkSeen(ctx context.Context, source, key string, at time.Time) (first bool, err error)
}

// Outbox is the worker's side of the outbox. owner names the claiming
// process; a job whose lease ran out may be claimed by anyone. A running
// job's NextAt is the end of its lease.
type Outbox interface {
	// Claim leases up to limit due jobs of target ("" for every target):
	// pending with NextAt <= now, or running with an expired lease, never
	// a job behind an older pending or running job with the same OrderKey;
	// soonest due first. It increments Attempts and sets LeaseUntil and
	// NextAt to now+lease.
	Claim(ctx context.Context, owner, target string, now time.Time, lease time.Duration, limit int) ([]Job, error)
	Complete(ctx context.Context, id int64, owner string) error
	// Retry records a real failure of a claimed job at failedAt (Failures
	// plus one, FirstFailedAt set by the first, LastError lastErr) and puts
	// it back to pending until next. If a pending job with the same
	// CoalesceKey appeared meanwhile, the job is done instead.
	Retry(ctx context.Context, id int64, owner string, failedAt, next time.Time, lastErr string) error
	// Wait puts a claimed job back to pending until next without counting
	// a failure (bot.Wait); coalescing as Retry.
	Wait(ctx context.Context, id int64, owner string, next time.Time) error
	// Renew extends the lease of every job owner holds to until (the
	// worker's heartbeat) and returns how many it holds.
	Renew(ctx context.Context, owner string, until time.Time) (int, error)
	Bury(ctx context.Context, id int64, owner string, lastErr string) error
	// Release returns every job owner holds to pending, due now.
	Release(ctx context.Context, owner string, now time.Time) error
	OutboxStats(ctx context.Context, now time.Time) (OutboxStats, error)
}

// OutboxStats describes the outbox for metrics.
type OutboxStats struct {
	Pending   int           // pending and running
	Dead      int           // dead-lettered
	OldestAge time.Duration // age of the oldest pending job
}

// TargetStats counts one target's jobs.
type TargetStats struct {
	Pending int // pending and running
	Dead    int // dead-lettered
}

// OutboxAdmin is the operator's side of the outbox: what `warroom outbox`,
// the JSON API and the console show and do.
type OutboxAdmin interface {
	// DeadJobs lists up to limit dead jobs (0: all), newest first.
	DeadJobs(ctx context.Context, limit int) ([]Job, error)
	// LiveJobs lists up to limit pending and running jobs (0: all), soonest due first.
	LiveJobs(ctx context.Context, limit int) ([]Job, error)
	// ReplayDead moves dead job id back to the outbox, pending and due at
	// now, with a fresh failure budget; it keeps its id, kind, payload and
	// keys. A dead job whose CoalesceKey a pending job holds is dropped
	// instead (the pending one carries the latest state). No such dead job
	// is ErrNotFound.
	ReplayDead(ctx context.Context, id int64, now time.Time) error
	// ReplayAllDead replays every dead job and returns how many.
	ReplayAllDead(ctx context.Context, now time.Time) (int, error)
	// DropDead deletes dead job id; no such dead job is ErrNotFound.
	DropDead(ctx context.Context, id int64) error
	// OutboxByTarget counts live and dead jobs per target.
	OutboxByTarget(ctx context.Context) (map[string]TargetStats, error)
}

// Housekeeping deletes what is kept only for a while.
type Housekeeping interface {
	// Purge deletes the seen keys, dead jobs and fired or canceled timers
	// older than the cutoffs (a zero cutoff keeps all of that kind).
	Purge(ctx context.Context, before PurgeBefore) (Purged, error)
}

// PurgeBefore holds the cutoffs of a Purge.
type PurgeBefore struct {
	Seen   time.Time // seen keys recorded before
	Dead   time.Time // dead jobs created before
	Timers time.Time // timers fired or canceled before
}

// Purged counts what a Purge deleted.
type Purged struct {
	Seen, Dead, Timers int
}

// IncidentFilter selects incidents, newest first.
type IncidentFilter struct {
	Statuses []Status // empty: any
	Limit    int      // 0: no limit
	// Before keeps incidents numbered below it (0: no bound): the next page
	// after one that ended at Before, unmoved by incidents declared since.
	Before int64
	Offset int // skips this many of the selected incidents
}

// ActionFilter selects action items.
type ActionFilter struct {
	Incident int64  // 0: any incident
	Owner    string // "": any owner
	OpenOnly bool
}

// AuditFilter selects audit records, oldest first.
type AuditFilter struct {
	Incident int64 // 0: all
	Limit    int   // 0: no limit
}
