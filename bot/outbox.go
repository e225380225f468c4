package bot

import (
	"encoding/json"
	"time"
)

// JobStatus is where an outbox job is.
type JobStatus string

// Job statuses.
const (
	JobPending JobStatus = "pending" // waiting for next_at
	JobRunning JobStatus = "running" // claimed by a worker until its lease ends
	JobDone    JobStatus = "done"
	JobDead    JobStatus = "dead" // gave up; last_error says why
)

// Effects the Service asks each chat target for. A job's Kind is
// "<target>.<effect>", e.g. "console.card".
const (
	EffectOpen = "open" // create the incident channel, post the card, announce
	EffectCard = "card" // re-render the card and the announcement from current state
	EffectPost = "post" // post a message in the incident channel (and announce updates)
	// EffectAnnounce posts a PostPayload in the announcement channel only;
	// its job names no incident (maintenance windows).
	EffectAnnounce = "announce"
)

// Job is one outbound effect, written in the same transaction as the change
// that caused it and delivered by the outbox worker.
type Job struct {
	ID       int64           `json:"id"`
	Kind     string          `json:"kind"`               // handler name, "<target>.<effect>"
	Incident int64           `json:"incident,omitempty"` // the incident it concerns, if any
	Payload  json.RawMessage `json:"payload,omitempty"`
	// OrderKey serialises jobs: a job is not claimed while an older job with
	// the same key is pending or running. Empty means unordered.
	OrderKey string `json:"order_key,omitempty"`
	// CoalesceKey merges jobs: enqueueing a job whose key matches a pending
	// (not yet claimed) job adds nothing. Empty means never merged.
	CoalesceKey string    `json:"coalesce_key,omitempty"`
	Status      JobStatus `json:"status"`
	Attempts    int       `json:"attempts"`
	NextAt      time.Time `json:"next_at"`
	LastError   string    `json:"last_error,omitempty"`
	LeaseOwner  string    `json:"lease_owner,omitempty"`
	LeaseUntil  time.Time `json:"lease_until,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// PostPayload is the payload of an EffectPost job.
type PostPayload struct {
	Message  Message `json:"message"`
	Announce bool    `json:"announce"` // also post in the announcement channel
}

// OutboxStats describes the outbox for metrics.
type OutboxStats struct {
	Pending   int           // pending and running
	Dead      int           // dead-lettered
	OldestAge time.Duration // age of the oldest pending job
}
