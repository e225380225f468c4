package jira

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/ticket"
)

// DefaultReconcileWindow is how long, after a create whose outcome is
// unknown, warroom keeps looking the issue up before it creates another:
// Jira's search is eventually consistent (seconds, at worst minutes).
const DefaultReconcileWindow = 2 * time.Minute

// attemptRecord is the durable note of a create about to be sent, kept with
// the adapters' records (platform "jira", ref "create:<label>"). By names
// the claim, so that two replicas claiming at the same instant still write
// different records and the compare-and-set tells them apart.
type attemptRecord struct {
	At time.Time `json:"at"`
	By string    `json:"by,omitempty"`
	// Unknown: the create returned without saying whether it worked (no
	// longer in flight).
	Unknown bool `json:"unknown,omitempty"`
}

func attemptRef(lbl string) string { return "create:" + lbl }

// claimWait is how long a create that lost its claim to another replica's
// waits before it looks again: the winner's create is one call.
const claimWait = 2 * time.Second

// errCreating says another replica won the claim and is creating the issue.
var errCreating = errors.New("another replica is creating it")

// createOnce returns the issue carrying lbl: the one Jira's search finds,
// else a new one from create. It never creates twice for one label, across
// replicas too: every create first claims the label's record by a
// compare-and-set in the database, so of replicas racing from one read
// exactly one creates and the others wait for its result. While an earlier
// attempt's outcome is unknown (no link, not found yet) nothing is created
// until the search finds it or the reconcile window after that attempt has
// passed; until then the job waits (a wait, not a failure) and looks again.
func (j *Jira) createOnce(ctx context.Context, incident int64, lbl string, create func(context.Context) (string, error)) (key string, created bool, err error) {
	found, err := j.find(ctx, lbl)
	if err != nil {
		return "", false, j.outcome("search jira for "+lbl, err)
	}
	if found != "" {
		return found, false, nil
	}
	ref := attemptRef(lbl)
	prev, rec, err := j.lastAttempt(ctx, ref)
	if err != nil {
		return "", false, err
	}
	now, at := j.cfg.Now(), rec.At
	if until := at.Add(j.cfg.ReconcileWindow); !at.IsZero() && now.Before(until) {
		// look again soon, then less often as the window goes by
		wait := min(until.Sub(now), max(lookupWait, now.Sub(at)))
		if !rec.Unknown && now.Sub(at) < j.cfg.Timeout {
			// the create may still be in flight on another replica
			return "", false, bot.Wait(fmt.Errorf("issue labelled %s: %w: waiting for its result", lbl, errCreating), min(wait, claimWait))
		}
		return "", false, bot.Wait(fmt.Errorf("an earlier create of the issue labelled %s may have succeeded: "+
			"looking it up before creating another (until %s)", lbl, until.UTC().Format(time.RFC3339)), wait)
	}
	won, err := j.claimAttempt(ctx, ref, incident, now, prev)
	if err != nil {
		return "", false, err
	}
	if !won {
		return "", false, bot.Wait(fmt.Errorf("issue labelled %s: %w: waiting for its result", lbl, errCreating), claimWait)
	}
	key, err = create(ctx)
	if err != nil {
		// a definite refusal or no connection: nothing was created (the
		// record is cleared); else the outcome is unknown, and the create
		// is no longer in flight
		settled := attemptRecord{At: now, Unknown: true}
		if notSent(err) {
			settled = attemptRecord{}
		}
		if cerr := j.recordAttempt(ctx, ref, incident, settled); cerr != nil {
			return "", false, cerr
		}
		return "", false, err
	}
	return key, true, nil
}

// notSent reports whether a create certainly did nothing: Jira refused it
// (4xx, 429 included) or no connection was made.
func notSent(err error) bool {
	var op *net.OpError
	return ticket.IsClientError(err) || errors.As(err, &op) && op.Op == "dial"
}

// lastAttempt returns the record of the creates under ref (nil: none yet)
// and what it says: when one was last sent (zero: none open).
func (j *Jira) lastAttempt(ctx context.Context, ref string) (*bot.PostedMessage, attemptRecord, error) {
	var rec attemptRecord
	pm, err := j.svc.MessageByRef(ctx, System, ref)
	if errors.Is(err, bot.ErrNotFound) || bot.ErrorCode(err) == bot.CodeNotFound {
		return nil, rec, nil
	}
	if err != nil {
		return nil, rec, fmt.Errorf("read jira create record %s: %w", ref, err)
	}
	if err := json.Unmarshal(pm.Body, &rec); err != nil {
		return pm, attemptRecord{At: pm.UpdatedAt, Unknown: true}, nil // unreadable: count it as an attempt
	}
	return pm, rec, nil
}

// claimAttempt notes, before the create is sent, that this replica is
// sending it, if the record is still prev (what lastAttempt read): it
// reports false when another replica claimed it first. The claim is
// written even when ctx is ending.
func (j *Jira) claimAttempt(ctx context.Context, ref string, incident int64, at time.Time, prev *bot.PostedMessage) (bool, error) {
	body, _ := json.Marshal(attemptRecord{At: at, By: rand.Text()})
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	pm := &bot.PostedMessage{Platform: System, Ref: ref, Incident: incident, Body: body, CreatedAt: at, UpdatedAt: at}
	won, err := j.svc.ClaimMessage(ctx, pm, prev)
	if err != nil {
		return false, fmt.Errorf("claim jira create %s: %w", ref, err)
	}
	return won, nil
}

// recordAttempt overwrites the record under ref once this replica's
// create has returned; a zero rec clears it (the create certainly did
// nothing). It is written even when ctx is ending.
func (j *Jira) recordAttempt(ctx context.Context, ref string, incident int64, rec attemptRecord) error {
	body, _ := json.Marshal(rec)
	at := rec.At
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	pm := &bot.PostedMessage{Platform: System, Ref: ref, Incident: incident, Body: body, CreatedAt: at, UpdatedAt: at}
	if err := j.svc.SaveMessage(ctx, pm); err != nil {
		return fmt.Errorf("record jira create %s: %w", ref, err)
	}
	return nil
}
