package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
)

// Ticket effects. A ticket target (e.g. "jira", "servicenow") gets jobs of
// kind "<target>.<effect>", written in the transaction of the change that
// caused them and ordered per target and incident (OrderKey
// "<target>:INC-42"), so one ticket's writes apply in order.
const (
	// EffectTicketSync makes the ticket match the incident as it is when the
	// job runs (creating or adopting it first). Sync jobs coalesce: a burst
	// of changes is one write of the latest state.
	EffectTicketSync = "sync"
	// EffectTicketComment adds one comment (a status update, a note, the
	// resolution) with a TicketComment payload. Comments never coalesce.
	EffectTicketComment = "comment"
	// EffectTicketAction makes action item TicketAction.Seq's own ticket
	// match the item; it coalesces per item.
	EffectTicketAction = "action"
)

// TicketConfig says which ticket targets the Service feeds.
type TicketConfig struct {
	Targets []TicketTarget
	// At is the least severe severity that gets a ticket on its own; 0
	// means SEV2. An incident below it is synced once it is linked
	// (/incident ticket).
	At Severity
}

// TicketTarget is one ticket system. Its Name is also the link system the
// ticket is recorded under (LinkJira, LinkServiceNow).
type TicketTarget struct {
	Name string
	// Actions: action items become tickets of their own (EffectTicketAction
	// jobs); otherwise they are commented on the incident's ticket.
	Actions bool
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

// DefaultTicketAt is the ticket threshold when TicketConfig.At is 0.
const DefaultTicketAt = SEV2

// ticketAt returns the configured ticket threshold.
func (s *Service) ticketAt() Severity {
	if s.tickets.At.Valid() {
		return s.tickets.At
	}
	return DefaultTicketAt
}

// syncTickets writes the ticket jobs that follow from a change. A change
// that came from a target (WithOrigin) writes nothing back to it.
func (s *Service) syncTickets(ctx context.Context, tx Tx, c *change, before *Incident) error {
	if len(s.tickets.Targets) == 0 {
		return nil
	}
	inc, origin, at := c.inc, Origin(ctx), s.ticketAt()
	for _, t := range s.tickets.Targets {
		if t.Name == origin {
			continue
		}
		_, linked := inc.Links[t.Name]
		due := linked || inc.Severity.AtLeast(at) || (before != nil && before.Severity.AtLeast(at))
		if !due {
			continue
		}
		if before == nil || ticketStateChanged(before, inc, t.Name) {
			if err := s.enqueueTicket(ctx, tx, inc, t.Name, EffectTicketSync, t.Name+".sync:"+inc.Key(), nil); err != nil {
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
			p, _ := json.Marshal(TicketAction{Seq: seq})
			return s.enqueueTicket(ctx, tx, inc, t.Name, EffectTicketAction,
				fmt.Sprintf("%s.action:%s#%d", t.Name, inc.Key(), seq), p)
		}
	default:
		return nil
	}
	if e.ID == 0 {
		return errors.New("ticket comment of an unsaved timeline entry")
	}
	p, err := json.Marshal(TicketComment{
		Ref: "e" + strconv.FormatInt(e.ID, 10), Kind: e.Kind, Actor: e.Actor, Text: e.Text, Status: inc.Status,
	})
	if err != nil {
		return fmt.Errorf("encode ticket comment: %w", err)
	}
	return s.enqueueTicket(ctx, tx, inc, t.Name, EffectTicketComment, "", p)
}

func (s *Service) enqueueTicket(ctx context.Context, tx Tx, inc *Incident, target, effect, coalesce string, payload []byte) error {
	now := s.Now()
	j := &Job{
		Kind: target + "." + effect, Incident: inc.Number, Payload: payload,
		OrderKey: target + ":" + inc.Key(), CoalesceKey: coalesce,
		Status: JobPending, NextAt: now, CreatedAt: now,
	}
	if err := tx.Enqueue(ctx, j); err != nil {
		return fmt.Errorf("enqueue %s: %w", j.Kind, err)
	}
	return nil
}

// ticketStateChanged reports whether anything a ticket shows changed.
func ticketStateChanged(a, b *Incident, system string) bool {
	return a.Title != b.Title || a.Summary != b.Summary || a.Impact != b.Impact || a.Service != b.Service ||
		a.Severity != b.Severity || a.Status != b.Status || a.Commander() != b.Commander() ||
		!maps.Equal(a.Channels, b.Channels) || a.Links[system] != b.Links[system]
}

// RequestTicketSync queues a sync of an incident's ticket in target even
// when the incident is below the ticket threshold (/incident ticket while
// the tracker is slow): the job creates or adopts the ticket and links it.
func (s *Service) RequestTicketSync(ctx context.Context, number int64, target string) error {
	err := s.store.InTx(ctx, func(tx Tx) error {
		inc, err := tx.LockIncident(ctx, number)
		if errors.Is(err, ErrNotFound) {
			return Errorf(CodeNotFound, "%s does not exist", FormatKey(number))
		}
		if err != nil {
			return fmt.Errorf("load %s: %w", FormatKey(number), err)
		}
		return s.enqueueTicket(ctx, tx, inc, target, EffectTicketSync, target+".sync:"+inc.Key(), nil)
	})
	if err != nil {
		return err
	}
	if s.after != nil {
		s.after()
	}
	return nil
}

// SetActionTicket records the ticket that tracks action item seq (e.g. the
// Jira issue created for it). Setting the same ticket again changes nothing.
func (s *Service) SetActionTicket(ctx context.Context, number int64, seq int, system, ticket, url string) (*ActionItem, error) {
	var item *ActionItem
	_, err := s.mutate(ctx, number, "warroom", "action_ticket", func(c *change) error {
		items, err := c.tx.IncidentActions(ctx, number)
		if err != nil {
			return fmt.Errorf("list action items: %w", err)
		}
		for i := range items {
			if items[i].Seq == seq {
				item = &items[i]
			}
		}
		if item == nil {
			return Errorf(CodeNotFound, "%s has no action item #%d", FormatKey(number), seq)
		}
		if item.Ticket == ticket {
			return nil
		}
		item.Ticket = ticket
		if err := c.tx.UpdateAction(ctx, item); err != nil {
			return fmt.Errorf("update action item: %w", err)
		}
		c.record(EntryTicketLinked, fmt.Sprintf("linked %s %s to action #%d", linkLabel(system), ticket, seq),
			map[string]string{"system": system, "id": ticket, "url": url, "seq": strconv.Itoa(seq)})
		c.note("action_ticket", ticket)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return item, nil
}
