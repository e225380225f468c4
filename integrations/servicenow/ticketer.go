package servicenow

import (
	"context"
	"errors"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/ticket"
)

const ticketTimeout = 8 * time.Second

// Ticket creates the incident's record now (/incident ticket), or returns
// the one that exists (linked, or found by correlation_id).
func (s *ServiceNow) Ticket(ctx context.Context, inc *bot.Incident, actor string) (bot.Link, error) {
	if l, ok := inc.Links[System]; ok && l.ID != "" {
		return l, nil
	}
	if r := s.Stopped(ctx); r != "" {
		return bot.Link{}, bot.Errorf(bot.CodeUnavailable, "ServiceNow is held: %s", r)
	}
	ctx, cancel := context.WithTimeout(ctx, ticketTimeout)
	defer cancel()
	defer s.locks.Lock(inc.Number)()
	rec, _, err := s.ensure(ctx, inc)
	if errors.Is(err, errCreating) {
		// another replica is creating it: adopt its result if it comes in
		// time
		if l, ok := ticket.AwaitLink(ctx, s.svc.Get, inc.Number, System); ok {
			return l, nil
		}
	}
	if err != nil {
		var ae *ticket.APIError
		switch {
		case s.stop.Hold(ctx, err):
			return bot.Link{}, bot.Errorf(bot.CodeUnavailable, "ServiceNow is held: %s", s.Stopped(ctx))
		case errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 && ae.Status != 429:
			return bot.Link{}, bot.Errorf(bot.CodeInvalid, "ServiceNow refused the incident: %s", ae.Message)
		}
		if qerr := s.svc.RequestTicketSync(context.WithoutCancel(ctx), inc.Number, System); qerr != nil {
			return bot.Link{}, bot.Errorf(bot.CodeUnavailable, "ServiceNow did not answer in time; try /incident ticket again: it finds the record if it was created")
		}
		return bot.Link{}, bot.Errorf(bot.CodeUnavailable, "ServiceNow did not answer in time; warroom keeps trying and links the record to %s when ServiceNow answers (it never creates a second one)", inc.Key())
	}
	l := bot.Link{ID: rec["number"], URL: s.recordURL(rec["sys_id"])}
	return l, nil
}
