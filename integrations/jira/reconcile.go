package jira

import (
	"context"
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
// the adapters' records (platform "jira", ref "create:<label>").
type attemptRecord struct {
	At time.Time `json:"at"`
}

func attemptRef(lbl string) string { return "create:" + lbl }

// createOnce returns the issue carrying lbl: the one Jira's search finds,
// else a new one from create. It never creates twice for one label: every
// create is recorded durably first, and while an earlier attempt's outcome
// is unknown (no link, not found yet) nothing is created until the search
// finds it or the reconcile window after that attempt has passed; until
// then the job waits (a wait, not a failure) and looks again.
func (j *Jira) createOnce(ctx context.Context, incident int64, lbl string, create func(context.Context) (string, error)) (key string, created bool, err error) {
	found, err := j.find(ctx, lbl)
	if err != nil {
		return "", false, j.outcome("search jira for "+lbl, err)
	}
	if found != "" {
		return found, false, nil
	}
	ref := attemptRef(lbl)
	at, err := j.lastAttempt(ctx, ref)
	if err != nil {
		return "", false, err
	}
	now := j.cfg.Now()
	if until := at.Add(j.cfg.ReconcileWindow); !at.IsZero() && now.Before(until) {
		// look again soon, then less often as the window goes by
		wait := min(until.Sub(now), max(lookupWait, now.Sub(at)))
		return "", false, bot.Wait(fmt.Errorf("an earlier create of the issue labelled %s may have succeeded: "+
			"looking it up before creating another (until %s)", lbl, until.UTC().Format(time.RFC3339)), wait)
	}
	if err := j.recordAttempt(ctx, ref, incident, now); err != nil {
		return "", false, err
	}
	key, err = create(ctx)
	if err != nil {
		if notSent(err) {
			// a definite refusal or no connection: nothing was created
			if cerr := j.recordAttempt(ctx, ref, incident, time.Time{}); cerr != nil {
				return "", false, cerr
			}
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

// lastAttempt returns when a create under ref was last sent, or zero.
func (j *Jira) lastAttempt(ctx context.Context, ref string) (time.Time, error) {
	pm, err := j.svc.MessageByRef(ctx, System, ref)
	if errors.Is(err, bot.ErrNotFound) || bot.ErrorCode(err) == bot.CodeNotFound {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read jira create record %s: %w", ref, err)
	}
	var rec attemptRecord
	if err := json.Unmarshal(pm.Body, &rec); err != nil {
		return pm.UpdatedAt, nil // unreadable: count it as an attempt
	}
	return rec.At, nil
}

// recordAttempt notes, before the create is sent, that it is being sent,
// so that a retry after any outcome (an answer lost, a crash) reconciles
// first; a zero at clears it. It is written even when ctx is ending.
func (j *Jira) recordAttempt(ctx context.Context, ref string, incident int64, at time.Time) error {
	body, _ := json.Marshal(attemptRecord{At: at})
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	pm := &bot.PostedMessage{Platform: System, Ref: ref, Incident: incident, Body: body, CreatedAt: at, UpdatedAt: at}
	if err := j.svc.SaveMessage(ctx, pm); err != nil {
		return fmt.Errorf("record jira create %s: %w", ref, err)
	}
	return nil
}
