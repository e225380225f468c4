package jira

import (
	"context"
	"errors"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/ticket"
)

// ticketTimeout bounds /incident ticket's own create, so a chat reply is
// not held by a slow Jira.
const ticketTimeout = 8 * time.Second

// Ticket creates the incident's issue now (/incident ticket), or returns
// the one that exists: linked, or found by its label. It never creates a
// second one.
func (j *Jira) Ticket(ctx context.Context, inc *bot.Incident, actor string) (bot.Link, error) {
	if l, ok := inc.Links[System]; ok && l.ID != "" {
		return l, nil
	}
	if r := j.stop.Stopped(ctx); r != "" {
		return bot.Link{}, bot.Errorf(bot.CodeUnavailable, "Jira is held: %s", r)
	}
	ctx, cancel := context.WithTimeout(ctx, ticketTimeout)
	defer cancel()
	defer j.locks.Lock(inc.Number)()
	key, _, err := j.ensure(ctx, inc)
	if errors.Is(err, errCreating) {
		// another replica is creating it: adopt its result if it comes in
		// time
		if l, ok := ticket.AwaitLink(ctx, j.svc.Get, inc.Number, System); ok {
			return l, nil
		}
	}
	if err != nil {
		if j.stop.Hold(ctx, err) {
			return bot.Link{}, bot.Errorf(bot.CodeUnavailable, "Jira is held: %s", j.stop.Stopped(ctx))
		}
		uerr := userError(err)
		if bot.ErrorCode(uerr) == bot.CodeUnavailable {
			// Jira is slow or down: the outbox creates (or adopts) it later
			if qerr := j.svc.RequestTicketSync(context.WithoutCancel(ctx), inc.Number, System); qerr == nil {
				return bot.Link{}, bot.Errorf(bot.CodeUnavailable, "Jira did not answer in time; warroom keeps trying and links the issue to %s when Jira answers (it never creates a second one)", inc.Key())
			}
		}
		return bot.Link{}, uerr
	}
	return bot.Link{ID: key, URL: j.browseURL(key)}, nil
}

// userError turns a delivery error into a reply for a person.
func userError(err error) error {
	var ae *ticket.APIError
	switch {
	case errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 && ae.Status != 429:
		return bot.Errorf(bot.CodeInvalid, "Jira refused the issue: %s", ae.Message)
	case bot.IsPermanent(err):
		return bot.Errorf(bot.CodeInvalid, "Jira refused the issue: %v", err)
	}
	return bot.Errorf(bot.CodeUnavailable, "Jira did not answer in time (%v); try /incident ticket again: it finds the issue if it was created", shortErr(err))
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
