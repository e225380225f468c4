package servicenow

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
)

// createRecord is the durable claim of a create about to be sent, kept with
// the adapters' records (platform "servicenow", ref "create:INC-n"). By
// names the claim, so that two replicas claiming at the same instant write
// different records and the compare-and-set tells them apart.
type createRecord struct {
	At time.Time `json:"at"`
	By string    `json:"by"`
}

// claimWait is how long a create that lost its claim to another replica's
// waits before it looks again: the winner's create is one call.
const claimWait = 2 * time.Second

// errCreating says another replica is creating the record.
var errCreating = errors.New("another replica is creating it")

// claimCreate claims the create of inc's record across replicas, by a
// compare-and-set in the database: of replicas racing from one read (none
// found by correlation_id yet), exactly one creates, and the others wait
// (a bot.Wait wrapping errCreating) until the query finds its record. A
// claim older than one call's timeout is no longer in flight (the create
// failed, or its process died): it can be claimed again, since the query
// by correlation_id, which is consistent, found nothing. prev is the claim
// as read before that query (nil: none yet): the compare-and-set fails if
// another attempt claimed it since.
func (s *ServiceNow) claimCreate(ctx context.Context, inc *bot.Incident, prev *bot.PostedMessage) (*bot.PostedMessage, error) {
	now := s.cfg.Now()
	if prev != nil {
		var rec createRecord
		if json.Unmarshal(prev.Body, &rec) == nil && now.Sub(rec.At) < s.cfg.Timeout {
			return nil, bot.Wait(fmt.Errorf("record of %s: %w: waiting for its result", inc.Key(), errCreating), claimWait)
		}
	}
	body, _ := json.Marshal(createRecord{At: now, By: rand.Text()})
	pm := &bot.PostedMessage{Platform: System, Ref: createRef(inc), Incident: inc.Number, Body: body, CreatedAt: now, UpdatedAt: now}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	won, err := s.svc.ClaimMessage(cctx, pm, prev)
	if err != nil {
		return nil, fmt.Errorf("claim servicenow create %s: %w", pm.Ref, err)
	}
	if !won {
		return nil, bot.Wait(fmt.Errorf("record of %s: %w: waiting for its result", inc.Key(), errCreating), claimWait)
	}
	return pm, nil
}

func createRef(inc *bot.Incident) string { return "create:" + inc.Key() }

// createClaim reads the claim of inc's create (nil when no attempt ever
// claimed it).
func (s *ServiceNow) createClaim(ctx context.Context, inc *bot.Incident) (*bot.PostedMessage, error) {
	ref := createRef(inc)
	prev, err := s.svc.MessageByRef(ctx, System, ref)
	if errors.Is(err, bot.ErrNotFound) || bot.ErrorCode(err) == bot.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read servicenow create record %s: %w", ref, err)
	}
	return prev, nil
}

// released reports whether claim is one a refused create gave up: that
// attempt looked the record up, found none and created none, and any
// attempt since would have claimed it anew.
func released(claim *bot.PostedMessage) bool {
	var rec createRecord
	return claim != nil && json.Unmarshal(claim.Body, &rec) == nil && rec.At.IsZero()
}

// releaseCreate gives up this replica's claim after ServiceNow refused the
// create (nothing was created), so that a corrected retry need not wait
// out the claim.
func (s *ServiceNow) releaseCreate(ctx context.Context, claim *bot.PostedMessage) {
	released := *claim
	released.Body, _ = json.Marshal(createRecord{})
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := s.svc.ClaimMessage(cctx, &released, claim); err != nil {
		s.log.Warn("release the servicenow create claim", "ref", claim.Ref, "err", err)
	}
}
