package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// TicketConfig says which ticket targets the Service feeds.
type TicketConfig struct {
	Targets []TicketTarget
	// At is the least severe severity that gets a ticket on its own; 0
	// means SEV2. An incident below it is synced once it is linked
	// (/incident ticket).
	At Severity
	// Systems names, per severity, the ticket systems /incident ticket
	// creates in (LinkJira, LinkServiceNow); a severity not named: every
	// configured one.
	Systems map[Severity][]string
}

// TicketSystems names the ticket systems /incident ticket creates inc's
// ticket in: those of the alert route that declared it (Route.Tickets),
// else those its severity names; nil means every configured one.
func (s *Service) TicketSystems(inc *Incident) []string {
	if rt := s.routeTickets(inc); rt != nil {
		return rt
	}
	return slices.Clone(s.tickets.Systems[inc.Severity])
}

// routeTickets names the ticket systems of the route that declared inc,
// nil when it names none (or inc was declared by hand).
func (s *Service) routeTickets(inc *Incident) []string {
	if inc.Route == "" {
		return nil
	}
	for _, r := range s.liveAlerts().routes {
		if r.Name == inc.Route && len(r.Tickets) > 0 {
			return slices.Clone(r.Tickets)
		}
	}
	return nil
}

// TicketTarget is one ticket system. Its Name is also the link system the
// ticket is recorded under (LinkJira, LinkServiceNow).
type TicketTarget struct {
	Name string
	// Actions: action items become tickets of their own (EffectTicketAction
	// jobs); otherwise they are commented on the incident's ticket.
	Actions bool
	// Problems: problem records are kept in step there too
	// (EffectProblemSync jobs, problem_sync.go).
	Problems bool
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
