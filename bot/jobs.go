package bot

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Every outside effect leaves the domain as an outbox job, written in the
// transaction of the change that caused it (effects.go says which change
// writes which) and delivered by the outbox worker, which calls the Handler
// registered for the job's kind. A kind is one Effect asked of one target,
// stored as "<target>.<effect>" (e.g. "slack.card"). NewJob builds every
// job, so these are all the jobs there are:
//
//	targets                    effect       incident  payload        order key             coalesce key
//	chat (Config.Targets):     open         yes       none           <t>:INC-42            -
//	console, slack             card         yes       none           <t>:INC-42            <t>.card:INC-42
//	                           post         yes       PostPayload    <t>:INC-42            -
//	                           announce     no        PostPayload    <t>:announce          -
//	                           digest       no        DigestPayload  <t>:digest:<channel>  -
//	                           direct       yes       DirectPayload  <t>:INC-42            -
//	                                        no        DirectPayload  <t>:direct:<user>     -
//	paging (Config.Paging):    trigger      yes       PagePayload    <t>:INC-42            -
//	pagerduty                  acknowledge  yes       PagePayload    <t>:INC-42            -
//	                           resolve      yes       PagePayload    <t>:INC-42            -
//	                           escalate     yes       PagePayload    <t>:INC-42            -
//	tickets (Config.Tickets):  sync         yes       none           <t>:INC-42            <t>.sync:INC-42
//	jira, servicenow           comment      yes       TicketComment  <t>:INC-42            -
//	                           action       yes       TicketAction   <t>:INC-42            <t>.action:INC-42#<seq>
//	                           problem      no        ProblemSync    <t>:PRB-3             <t>.problem:PRB-3
//
// (action jobs go to a ticket target whose TicketTarget.Actions is set:
// Jira's.) Jobs with the same order key run one at a time, oldest first,
// so one incident's writes to one target apply in order; a job whose
// coalesce key matches a pending job adds nothing, so a burst of changes
// is one card edit or one ticket write of the latest state. The key
// strings are stored with the jobs: they must not change.

// Effect is what a job asks of its target.
type Effect string

// Chat targets' effects.
const (
	EffectOpen Effect = "open" // create the incident channel, post the card, announce
	EffectCard Effect = "card" // re-render the card and the announcement from current state
	EffectPost Effect = "post" // post a message in the incident channel (and announce updates)
	// EffectAnnounce posts a message in the announcement channel only;
	// its job names no incident (maintenance windows).
	EffectAnnounce Effect = "announce"
	// EffectDigest posts a digest in a named channel (no incident).
	EffectDigest Effect = "digest"
	// EffectDirect sends one person a direct message about an incident
	// (DirectPayload): a reminder of an action item they own.
	EffectDirect Effect = "direct"
)

// Paging targets' effects, written when an incident pages (effects.go).
const (
	EffectTrigger     Effect = "trigger"     // page: open (or re-open) the alert keyed by the incident
	EffectAcknowledge Effect = "acknowledge" // the incident was acknowledged here
	EffectResolve     Effect = "resolve"     // the incident was resolved here
	EffectEscalate    Effect = "escalate"    // nobody acknowledged in time: escalate
)

// Ticket targets' effects, written while an incident is due a ticket
// (effects.go).
const (
	// EffectTicketSync makes the ticket match the incident as it is when the
	// job runs (creating or adopting it first). Sync jobs coalesce: a burst
	// of changes is one write of the latest state.
	EffectTicketSync Effect = "sync"
	// EffectTicketComment adds one comment (a status update, a note, the
	// resolution) with a TicketComment payload. Comments never coalesce.
	EffectTicketComment Effect = "comment"
	// EffectTicketAction makes action item TicketAction.Seq's own ticket
	// match the item; it coalesces per item.
	EffectTicketAction Effect = "action"
	// EffectProblemSync makes a problem's record match the problem
	// (ProblemSync payload; TicketTarget.Problems); it coalesces per problem.
	EffectProblemSync Effect = "problem"
)

// JobKind names a job's handler: an Effect asked of one target, written
// "<target>.<effect>". JobKindOf builds one.
type JobKind string

// JobKindOf is the kind of the jobs asking effect of target.
func JobKindOf(target string, effect Effect) JobKind {
	return JobKind(target + "." + string(effect))
}

// Target is the target of the kind: "slack" of "slack.card".
func (k JobKind) Target() string {
	t, _, _ := strings.Cut(string(k), ".")
	return t
}

// Effect is the effect of the kind: EffectCard of "slack.card".
func (k JobKind) Effect() Effect {
	_, e, _ := strings.Cut(string(k), ".")
	return Effect(e)
}

// NewJob builds the job asking effect of target, pending and due at now:
// its kind, its order and coalesce keys (the table above) and its encoded
// payload. incident is the incident it concerns (0 for announce and
// digest jobs); payload is the effect's payload type, or nil for none.
func NewJob(target string, effect Effect, incident int64, payload any, now time.Time) (*Job, error) {
	kind := JobKindOf(target, effect)
	j := &Job{Kind: kind, Target: target, Incident: incident, Status: JobPending, NextAt: now, CreatedAt: now}
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return nil, fmt.Errorf("encode %s payload: %w", kind, err)
		}
		j.Payload = b
	}
	switch effect {
	case EffectAnnounce:
		j.OrderKey = target + ":announce"
		return j, nil
	case EffectDigest:
		d, ok := payload.(DigestPayload)
		if !ok {
			return nil, fmt.Errorf("job %s: the payload is a %T, not a DigestPayload", kind, payload)
		}
		j.OrderKey = target + ":digest:" + d.Channel
		return j, nil
	case EffectProblemSync:
		p, ok := payload.(ProblemSync)
		if !ok || p.Problem <= 0 {
			return nil, fmt.Errorf("job %s: the payload is a %T, not a ProblemSync", kind, payload)
		}
		key := FormatProblemKey(p.Problem)
		j.OrderKey, j.CoalesceKey = target+":"+key, string(kind)+":"+key
		return j, nil
	}
	if effect == EffectDirect && incident == 0 { // about several incidents (the weekly overdue summary)
		d, ok := payload.(DirectPayload)
		if !ok {
			return nil, fmt.Errorf("job %s: the payload is a %T, not a DirectPayload", kind, payload)
		}
		j.OrderKey = target + ":direct:" + d.User
		return j, nil
	}
	if incident == 0 {
		return nil, fmt.Errorf("job %s names no incident", kind)
	}
	key := FormatKey(incident)
	j.OrderKey = target + ":" + key
	switch effect {
	case EffectCard, EffectTicketSync:
		j.CoalesceKey = string(kind) + ":" + key
	case EffectTicketAction:
		a, ok := payload.(TicketAction)
		if !ok {
			return nil, fmt.Errorf("job %s: the payload is a %T, not a TicketAction", kind, payload)
		}
		j.CoalesceKey = fmt.Sprintf("%s:%s#%d", kind, key, a.Seq)
	}
	return j, nil
}

// JobStatus is where an outbox job is.
type JobStatus string

// Job statuses.
const (
	JobPending JobStatus = "pending" // waiting for next_at
	JobRunning JobStatus = "running" // claimed by a worker until its lease ends
	JobDone    JobStatus = "done"
	JobDead    JobStatus = "dead" // gave up; last_error says why
)

// Job is one outbound effect, written in the same transaction as the change
// that caused it and delivered by the outbox worker.
type Job struct {
	ID       int64           `json:"id"`
	Kind     JobKind         `json:"kind"`               // handler name, "<target>.<effect>"
	Incident int64           `json:"incident,omitempty"` // the incident it concerns, if any
	Payload  json.RawMessage `json:"payload,omitempty"`
	// OrderKey serialises jobs: a job is not claimed while an older job with
	// the same key is pending or running. Empty means unordered.
	OrderKey string `json:"order_key,omitempty"`
	// CoalesceKey merges jobs: enqueueing a job whose key (and order key)
	// matches a pending (not yet claimed) job adds nothing. Empty means
	// never merged. NewJob derives both keys from the target and the
	// incident or problem, so jobs of one coalesce key share an order key.
	CoalesceKey string `json:"coalesce_key,omitempty"`
	// Target is the target of Kind ("slack" of "slack.card"): each target's
	// jobs are claimed and run on their own lane.
	Target   string    `json:"target"`
	Status   JobStatus `json:"status"`
	Attempts int       `json:"attempts"` // times claimed
	// Failures counts the real failures (not waits) since the job was
	// written or replayed, FirstFailedAt the first of them (zero: none).
	// Both must exceed the worker's budget before the job is dead-lettered.
	Failures      int       `json:"failures"`
	FirstFailedAt time.Time `json:"first_failed_at,omitzero"`
	// NextAt is when the job is due; while it runs, when its lease ends.
	NextAt     time.Time `json:"next_at"`
	LastError  string    `json:"last_error,omitempty"` // the last failure's error
	LeaseOwner string    `json:"lease_owner,omitempty"`
	LeaseUntil time.Time `json:"lease_until,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// PostPayload is the payload of EffectPost and EffectAnnounce jobs.
type PostPayload struct {
	Message  Message `json:"message"`
	Announce bool    `json:"announce"` // also post in the announcement channel
	// Channel, on an EffectAnnounce job, names the channel to post in
	// instead of the announcement channel (the managers' channel).
	Channel string `json:"channel,omitempty"`
}

// DirectPayload is the payload of an EffectDirect job: the chat user to
// write to and the message. A target that does not know the user (a Slack
// id on Discord) completes the job without sending.
type DirectPayload struct {
	User    string  `json:"user"`
	Message Message `json:"message"`
}

// DigestPayload is the payload of an EffectDigest job.
type DigestPayload struct {
	Channel  string  `json:"channel"`  // the chat channel, as configured
	Schedule string  `json:"schedule"` // the schedule's name; "" for one posted on request
	Message  Message `json:"message"`
}

// PagePayload is the payload of a paging job.
type PagePayload struct {
	DedupKey string   `json:"dedup_key"`         // the incident key, or "" for a page about no incident
	Summary  string   `json:"summary,omitempty"` // what the page says
	Severity Severity `json:"severity,omitempty"`
	Source   string   `json:"source,omitempty"`  // where the incident came from
	URL      string   `json:"url,omitempty"`     // the incident in warroom
	Service  string   `json:"service,omitempty"` // a named paging service ("" is the default one)
	User     string   `json:"user,omitempty"`    // page one person instead of a service
	Level    int      `json:"level,omitempty"`   // escalation level (EffectEscalate)
	Actor    string   `json:"actor,omitempty"`   // who caused the page
	LinkID   string   `json:"link_id,omitempty"` // the target's own incident id, when linked
}

// TicketComment is the payload of an EffectTicketComment job. Ref is stable
// per comment ("e" + the timeline entry id): a handler embeds it in the
// comment so that a retry after an unknown outcome can see the comment is
// there already.
type TicketComment struct {
	Ref    string    `json:"ref"`
	Kind   EntryKind `json:"kind"`
	Actor  string    `json:"actor,omitempty"`
	Text   string    `json:"text"`
	Status Status    `json:"status,omitempty"`
}

// TicketAction is the payload of an EffectTicketAction job.
type TicketAction struct {
	Seq int `json:"seq"`
}
