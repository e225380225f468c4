package bot

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
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

// ticketAt returns the configured ticket threshold.
func (s *Service) ticketAt() Severity {
	if s.tickets.At.Valid() {
		return s.tickets.At
	}
	return SEV2
}

// syncTickets writes the ticket jobs that follow from a change. A change
// that came from a target (its Cause's Origin) writes nothing back to it.
func (s *Service) syncTickets(ctx context.Context, tx Tx, c *change, before *Incident) error {
	if len(s.tickets.Targets) == 0 {
		return nil
	}
	inc, origin, at := c.inc, c.cause.Origin, s.ticketAt()
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
		return s.enqueue(ctx, tx, target, EffectTicketSync, inc.Number, nil)
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
// Jira issue created for it). Setting the same ticket again changes
// nothing. cause says where it came from: the ticket system that created
// the ticket gets no job back about it.
func (s *Service) SetActionTicket(ctx context.Context, cause Cause, number int64, seq int, system, ticket, url string) (*ActionItem, error) {
	var item *ActionItem
	_, err := s.mutate(ctx, cause, number, "warroom", "action_ticket", func(c *change) error {
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
