package bot

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// What a committed change sends out. Every change is one transaction
// (mutate, Declare, the alert batch, a fired timer) and writes, in that
// same transaction, the outbox jobs (jobs.go) and timer rows that follow
// from it: afterChange here decides them, enqueuePosts and enqueueAll
// write the chat jobs. A change whose Cause names an origin writes no job
// back to that system; one whose Cause names a delivery seen before
// writes nothing at all (ErrDuplicateDelivery).
//
//	change               chat targets    paging targets (1)    ticket targets (2)   timers (3)
//	declare              open            trigger, ≥ PageAt     sync                 update cadence; the rest
//	                                                                                armed by the scheduler
//	acknowledge (first   card            acknowledge, if paged sync                 escalation, SLA ack canceled
//	move past triggered)
//	other status move    card            -                     sync                 -
//	resolve              card, post (4)  resolve, if paged     sync, comment        all canceled but the
//	                                                                                postmortem due, armed
//	close                card            resolve, if paged and sync                 all canceled
//	                                     not resolved before
//	reopen               card, post (4)  trigger, ≥ PageAt     sync, comment        update cadence armed
//	severity             card, post      trigger, raised to    sync                 escalation, SLA moved
//	                                     ≥ PageAt while open
//	update               card, post (4)  as its status move    comment (+ sync if   update cadence re-armed
//	                                                           the status moved)
//	note                 -               -                     comment              -
//	role, field, time,   card (+ post    -                     sync, if shown (5)   escalation, SLA moved
//	channel, link        for a role)                                                with the declared time
//	action added, done   -               -                     action (Jira) or     action reminders armed,
//	                                                           comment              canceled
//	alerts attached      card            -                     -                    -
//	alert group resolved card, post, or  as resolve when it    as resolve when it   as resolve when it
//	                     auto-resolve    auto-resolves         auto-resolves        auto-resolves
//	page                 -               trigger, that target  -                    -
//	escalation timer     post (mention)  escalate, all targets -                    -
//	SLA, action reminder post            -                     -                    -
//	maintenance window   announce        -                     -                    -
//	digest               digest          -                     -                    -
//
//	(1) pagerduty, when configured. Paged: linked to PagerDuty, or at
//	    least PageAt, before the change.
//	(2) jira, servicenow, when the incident is due a ticket: linked to the
//	    target, or at least the ticket threshold now or before the change.
//	(3) escalation.go (escalation) and insights.go (SLA, action items);
//	    none when turned off. Due timers fire through the scheduler.
//	(4) in the announcement channel too. A resolution also drafts the
//	    postmortem (insights_postmortems.go), when configured, and posts it.
//	(5) title, summary, impact, service, commander, channels, its link.
//
// Maintenance windows announce themselves (maintenance.go) and digests
// are posted by the engine (engine/digests): neither changes an incident.

// afterChange writes the paging and ticket jobs and the timer rows that
// follow from change c (the table above): before is the incident before
// it (nil for a declare). Every path that creates or changes an incident
// calls it in the same transaction, after writing the change's timeline
// (enqueuePosts writes its posts, enqueueAll its open or card jobs).
func (s *Service) afterChange(ctx context.Context, tx Tx, c *change, before *Incident) error {
	if err := markDelivery(ctx, tx, c.cause.Delivery, c.now); err != nil {
		return err
	}
	inc := c.inc
	if effect := s.pagingEffect(before, inc); effect != "" {
		p := s.pagePayload(inc, c.actor)
		for _, t := range s.paging.Targets {
			if t == c.cause.Origin {
				continue
			}
			if err := s.enqueuePage(ctx, tx, inc, t, effect, p); err != nil {
				return err
			}
		}
	}
	if err := s.syncTickets(ctx, tx, c, before); err != nil {
		return err
	}
	var cancels timerCancels // one statement for the change's timer cancels
	if before != nil {       // a new incident's timers are armed by ArmTimers
		if err := s.syncTimers(ctx, tx, inc, before, c.now, &cancels); err != nil {
			return err
		}
	}
	return s.afterInsights(ctx, tx, c, before, &cancels) // insights.go
}

// pagingEffect is the paging job a change from before to inc writes, or
// "" for none.
func (s *Service) pagingEffect(before, inc *Incident) Effect {
	at := s.pageAt()
	switch {
	case before == nil && inc.Status.Open() && inc.Severity.AtLeast(at):
		return EffectTrigger
	case before == nil:
	case before.ResolvedAt == nil && inc.ResolvedAt != nil:
		if s.paged(before) {
			return EffectResolve
		}
	case before.AcknowledgedAt == nil && inc.AcknowledgedAt != nil:
		if s.paged(before) {
			return EffectAcknowledge
		}
	case before.ResolvedAt != nil && inc.ResolvedAt == nil && inc.Status.Open() && inc.Severity.AtLeast(at):
		return EffectTrigger // reopened: PagerDuty's incident was resolved
	case inc.Status.Open() && !before.Severity.AtLeast(at) && inc.Severity.AtLeast(at):
		return EffectTrigger
	}
	return ""
}

// paged reports whether an incident was (probably) paged: it is linked to
// a paging system or severe enough to page.
func (s *Service) paged(inc *Incident) bool {
	if _, ok := inc.Links[LinkPagerDuty]; ok {
		return true
	}
	for k := range inc.Links {
		if strings.HasPrefix(k, LinkPagedPrefix) { // a person paged with /incident page @user
			return true
		}
	}
	return inc.Severity.AtLeast(s.pageAt())
}

func (s *Service) pagePayload(inc *Incident, actor string) PagePayload {
	inc = s.Outward(inc)
	p := PagePayload{
		DedupKey: inc.Key(), Summary: fmt.Sprintf("%s %s: %s", inc.Severity, inc.Key(), inc.Title),
		Severity: inc.Severity, Source: inc.Source, Actor: actor,
	}
	if s.public != "" {
		p.URL = s.public + "/incidents/" + strconv.FormatInt(inc.Number, 10)
	}
	if l, ok := inc.Links[LinkPagerDuty]; ok {
		p.LinkID = l.ID
	}
	return p
}

func (s *Service) enqueuePage(ctx context.Context, tx Tx, inc *Incident, target string, effect Effect, p PagePayload) error {
	return s.enqueue(ctx, tx, target, effect, inc.Number, p)
}

// syncTickets writes the ticket jobs that follow from a change. A change
// that came from a target (its Cause's Origin) writes nothing back to it.
func (s *Service) syncTickets(ctx context.Context, tx Tx, c *change, before *Incident) error {
	if len(s.tickets.Targets) == 0 {
		return nil
	}
	inc, origin, at := c.inc, c.cause.Origin, s.ticketAt()
	only := s.routeTickets(inc)
	for _, t := range s.tickets.Targets {
		if t.Name == origin {
			continue
		}
		if _, linked := inc.Links[t.Name]; only != nil && !linked && !slices.Contains(only, t.Name) {
			continue // its route sends its tickets elsewhere
		}
		_, linked := inc.Links[t.Name]
		due := linked || inc.Severity.AtLeast(at) || (before != nil && before.Severity.AtLeast(at)) || s.catalog.opensTicket(inc)
		if !due {
			continue
		}
		if before == nil || ticketStateChanged(before, inc, t.Name) {
			if err := s.enqueue(ctx, tx, t.Name, EffectTicketSync, inc.Number, nil); err != nil {
				return err
			}
		}
		for _, e := range c.entries {
			if err := s.ticketEntry(ctx, tx, inc, t, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// ticketEntry writes the comment or action job a timeline entry asks for.
func (s *Service) ticketEntry(ctx context.Context, tx Tx, inc *Incident, t TicketTarget, e *Entry) error {
	switch e.Kind {
	case EntryUpdate, EntryNote, EntryResolved, EntryReopened:
	case EntryActionAdded, EntryActionDone:
		if t.Actions {
			seq, err := strconv.Atoi(e.Data["seq"])
			if err != nil {
				return fmt.Errorf("action entry without seq: %w", err)
			}
			return s.enqueue(ctx, tx, t.Name, EffectTicketAction, inc.Number, TicketAction{Seq: seq})
		}
	default:
		return nil
	}
	if e.ID == 0 {
		return errors.New("ticket comment of an unsaved timeline entry")
	}
	return s.enqueue(ctx, tx, t.Name, EffectTicketComment, inc.Number, TicketComment{
		Ref: "e" + strconv.FormatInt(e.ID, 10), Kind: e.Kind, Actor: e.Actor, Text: e.Text, Status: inc.Status,
	})
}

// ticketStateChanged reports whether anything a ticket shows changed.
func ticketStateChanged(a, b *Incident, system string) bool {
	return a.Title != b.Title || a.Summary != b.Summary || a.Impact != b.Impact || a.Service != b.Service ||
		a.Severity != b.Severity || a.Status != b.Status || a.Commander() != b.Commander() ||
		!maps.Equal(a.Channels, b.Channels) || a.Links[system] != b.Links[system] ||
		a.Type != b.Type || !maps.Equal(a.Fields, b.Fields)
}

// enqueuePosts writes a post job of each of c's posts for every chat
// target.
func (s *Service) enqueuePosts(ctx context.Context, tx Tx, c *change) error {
	for _, p := range c.posts {
		if err := s.enqueueAll(ctx, tx, c.inc, EffectPost, p); err != nil {
			return err
		}
	}
	for _, d := range c.directs {
		if err := s.enqueueAll(ctx, tx, c.inc, EffectDirect, d); err != nil {
			return err
		}
	}
	for _, m := range c.managers { // no incident: it goes to a channel of its own
		for _, t := range s.targets {
			if err := s.enqueue(ctx, tx, t, EffectAnnounce, 0, PostPayload{Message: m, Channel: s.liveEscalation().Managers}); err != nil {
				return err
			}
		}
	}
	return nil
}

// enqueueAll writes one job of the effect for every chat target.
func (s *Service) enqueueAll(ctx context.Context, tx Tx, inc *Incident, effect Effect, payload any) error {
	return s.enqueueAllAfter(ctx, tx, inc, effect, payload, 0)
}

// enqueueAllAfter is enqueueAll with the jobs due after wait.
func (s *Service) enqueueAllAfter(ctx context.Context, tx Tx, inc *Incident, effect Effect, payload any, wait time.Duration) error {
	for _, t := range s.targets {
		if err := s.enqueueAfter(ctx, tx, t, effect, inc.Number, payload, wait); err != nil {
			return err
		}
	}
	return nil
}

// enqueue writes the job NewJob builds, due now.
func (s *Service) enqueue(ctx context.Context, tx Tx, target string, effect Effect, incident int64, payload any) error {
	return s.enqueueAfter(ctx, tx, target, effect, incident, payload, 0)
}

// enqueueAfter writes the job NewJob builds, due after wait.
func (s *Service) enqueueAfter(ctx context.Context, tx Tx, target string, effect Effect, incident int64, payload any, wait time.Duration) error {
	j, err := NewJob(target, effect, incident, payload, s.Now())
	if err != nil {
		return err
	}
	j.NextAt = j.NextAt.Add(wait)
	if err := tx.Enqueue(ctx, j); err != nil {
		return fmt.Errorf("enqueue %s: %w", j.Kind, err)
	}
	return nil
}

// RefreshCard writes a card job of incident number for one chat target,
// due after wait and merged with any card job of it already pending: an
// adapter that could not show the card as it is (a click it answered
// alone, a paced edit) has it shown again.
func (s *Service) RefreshCard(ctx context.Context, number int64, target string, wait time.Duration) error {
	j, err := NewJob(target, EffectCard, number, nil, s.Now())
	if err != nil {
		return err
	}
	j.NextAt = j.NextAt.Add(wait)
	if err := s.store.InTx(ctx, func(tx Tx) error { return tx.Enqueue(ctx, j) }); err != nil {
		return fmt.Errorf("enqueue card of %s: %w", FormatKey(number), err)
	}
	if s.after != nil {
		s.after()
	}
	return nil
}
