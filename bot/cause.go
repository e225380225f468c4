package bot

import (
	"context"
	"fmt"
	"time"
)

// Cause says where a change came from, when that changes what it sends
// out. Entry points that mirror another system's changes (Ack, Resolve,
// Declare's DeclareInput, SetLink, MirrorNote, CompleteAction,
// SetActionTicket, HandleAlerts) take one; the zero Cause is a change made
// in warroom itself (a person's command, an alert, a timer). The changes a
// person's command makes to an incident (SetStatus, SetSeverity, AddNote,
// PostUpdate, Close, Reopen, AssignRole) take one as an optional last
// argument, for Viewer, Channel and Check.
type Cause struct {
	// Origin is the system that reported the change (e.g. "pagerduty",
	// "jira"): the change writes no job back to it, so a mirrored change
	// never echoes.
	Origin string
	// Delivery is the inbound delivery the change handles: the change
	// records it in its own transaction, and a redelivery changes nothing
	// and fails with ErrDuplicateDelivery.
	Delivery Delivery
	// Viewer, when set, is the person whose command this is: a change to
	// an incident Viewer may not see fails as one to a missing incident
	// (CodeNotFound), checked on the incident the change's own transaction
	// read, so the caller need not read it first (GetAs).
	Viewer *Viewer
	// Channel, when set, names the incident of a change given no number
	// (0): the one this channel belongs to, read by the change's own
	// transaction, so the caller need not read it first (ByChannel). A
	// channel no incident lives in fails as a missing incident
	// (CodeNotFound).
	Channel *ChannelRef
	// Check, when set, is called with the incident as the change's
	// transaction read it (after Viewer's check), before anything is
	// changed: an error ends the change and nothing is written. It must
	// not change the incident. A command uses it for what it must know of
	// the incident before the change (a permission that depends on it,
	// the old value its reply names).
	Check func(inc *Incident) error
}

// ChannelRef names a platform's channel.
type ChannelRef struct {
	Platform, Channel string
}

// causeOf is the optional Cause last of a change's arguments (the zero
// Cause when none is given).
func causeOf(by []Cause) Cause {
	if len(by) == 0 {
		return Cause{}
	}
	return by[0]
}

// Delivery names one inbound delivery: its Source (e.g.
// "pagerduty.webhook") and a Key unique within it (e.g. the X-Webhook-Id).
// An empty Key names none.
type Delivery struct {
	Source, Key string
}

// ErrDuplicateDelivery is returned (wrapped) by a change whose Cause names
// a delivery that was handled before: nothing was written.
var ErrDuplicateDelivery = Errorf(CodeConflict, "this delivery was handled already")

// markDelivery records d in tx, once: a delivery seen before is
// ErrDuplicateDelivery. An empty key records nothing.
func markDelivery(ctx context.Context, tx Tx, d Delivery, at time.Time) error {
	if d.Key == "" {
		return nil
	}
	first, err := tx.MarkSeen(ctx, d.Source, d.Key, at)
	if err != nil {
		return fmt.Errorf("mark delivery seen: %w", err)
	}
	if !first {
		return ErrDuplicateDelivery
	}
	return nil
}

// SeeDelivery records inbound delivery d on its own (a chat interaction,
// before it is handled) and reports whether this is the first time it was
// seen, across every replica sharing the store.
func (s *Service) SeeDelivery(ctx context.Context, d Delivery) (first bool, err error) {
	if d.Key == "" {
		return true, nil
	}
	err = s.store.InTx(ctx, func(tx Tx) error {
		first, err = tx.MarkSeen(ctx, d.Source, d.Key, s.Now())
		return err
	})
	if err != nil {
		return false, fmt.Errorf("mark delivery seen: %w", err)
	}
	return first, nil
}
