package bot

import (
	"context"
	"time"
)

// Budgets are the limits outside services put on warroom, kept in the store
// so that every replica shares them: a 429's pause of one bucket (Slack's
// method and channel, a Jira instance, a PagerDuty routing key), the pace
// of writes to one bucket (a Slack channel's message a second), and the
// hold of an integration whose credentials were refused. A bucket or an
// integration is a name the integration chooses, prefixed by its own
// ("slack:chat.postMessage:C0123", "jira"). Both stores update a bucket
// atomically, so two replicas never take the same slot nor both probe a
// held integration.
type Budgets interface {
	// PauseBucket pauses bucket until until: nothing is sent to it before.
	// A later pause already set stays.
	PauseBucket(ctx context.Context, bucket string, until time.Time) error
	// BucketPause returns how long bucket stays paused after now; 0 when it
	// is not paused.
	BucketPause(ctx context.Context, bucket string, now time.Time) (time.Duration, error)
	// TakeSlot takes one slot of bucket, paced at one per every with bursts
	// of up to burst: it returns 0 when the slot is taken, or how long until
	// one is free (taking nothing). A paused bucket has no slot.
	TakeSlot(ctx context.Context, bucket string, now time.Time, every time.Duration, burst int) (time.Duration, error)
	// CheckCall reads, at once, what holds a call of integration about
	// bucket back before it takes a slot: the integration's hold and the
	// bucket's pause. A held integration whose probe is due (ProbeIn 0) is
	// claimed with AdmitIntegration.
	CheckCall(ctx context.Context, integration, bucket string, now time.Time) (CallCheck, error)
	// HoldIntegration holds integration after its credentials were refused
	// for reason: its calls wait until a probe succeeds. The first hold sets
	// the next probe backoff.First after now; a failed probe (probed)
	// doubles the wait, up to backoff.Max; a refusal of a call that was not
	// the probe, while held, changes nothing. first reports whether this
	// call held an integration that was not held (log once).
	HoldIntegration(ctx context.Context, integration, reason string, now time.Time, backoff ProbeBackoff, probed bool) (first bool, err error)
	// AdmitIntegration says whether a call of integration may go at now:
	// wait 0 when it is not held, or when this call is the probe (probe
	// true; the next probe moves out by the current backoff, so no other
	// caller probes meanwhile); otherwise how long until the next probe.
	AdmitIntegration(ctx context.Context, integration string, now time.Time) (wait time.Duration, probe bool, err error)
	// HealIntegration lifts integration's hold, reporting whether it was held.
	HealIntegration(ctx context.Context, integration string) (healed bool, err error)
	// HeldIntegrations lists the integrations held now, by name.
	HeldIntegrations(ctx context.Context) ([]IntegrationHold, error)
	// PruneBudgets forgets the buckets that hold nothing any more before
	// before (no pause, no slot ahead, no hold): a budget of a channel long
	// quiet. It returns how many it forgot.
	PruneBudgets(ctx context.Context, before time.Time) (int, error)
}

// ProbeBackoff is how a held integration is probed: first after First,
// then twice as long after each failed probe, up to Max.
type ProbeBackoff struct {
	First, Max time.Duration
}

// DefaultProbeBackoff probes a held integration after 5 s, 10 s, 20 s, …,
// then every 3 minutes.
var DefaultProbeBackoff = ProbeBackoff{First: 5 * time.Second, Max: 3 * time.Minute}

// IntegrationHold is one held integration.
type IntegrationHold struct {
	Integration string    `json:"integration"`
	Reason      string    `json:"reason"` // the refusal, as the service put it ("invalid_auth", "401 Unauthorized")
	Since       time.Time `json:"since"`
	ProbeAt     time.Time `json:"probe_at"` // the next probe
}

// CallCheck is what Budgets.CheckCall read: whether the integration is
// held, and how long until its next probe (0: due now); how long the
// bucket stays paused (0: it is not).
type CallCheck struct {
	Held    bool
	ProbeIn time.Duration
	Paused  time.Duration
}
