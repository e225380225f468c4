package commands

import (
	"context"
	"fmt"

	"github.com/warroom/warroom/bot"
)

func runAck(ctx context.Context, r *Router, c *call) (Reply, error) {
	if err := c.noArgs(); err != nil {
		return Reply{}, err
	}
	inc, err := r.svc.Ack(ctx, c.cause(), c.number, c.actor)
	if err != nil {
		return Reply{}, err
	}
	return changed(inc, "%s acknowledged%s.", inc.Key(), c.who()), nil
}

func runStatus(ctx context.Context, r *Router, c *call) (Reply, error) {
	if len(c.args) != 1 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "name one status")
	}
	to, err := bot.ParseStatus(c.args[0].Text)
	if err != nil {
		return Reply{}, err
	}
	if to == bot.StatusClosed && !allows(r.cfg.Permissions.Close, r.names(ctx, c.req)...) {
		return Reply{}, bot.Errorf(bot.CodeForbidden, "you may not close incidents here")
	}
	var from bot.Status
	inc, err := r.svc.SetStatus(ctx, c.number, c.actor, to, c.checked(func(inc *bot.Incident) error {
		from = inc.Status
		return nil
	}))
	if err != nil {
		return Reply{}, err
	}
	return changed(inc, "%s is now %s (was %s)%s.", inc.Key(), inc.Status, from, c.who()), nil
}

func runSev(ctx context.Context, r *Router, c *call) (Reply, error) {
	if len(c.args) != 1 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "name one severity, 1 (most severe) to 4")
	}
	sev, err := bot.ParseSeverity(c.args[0].Text)
	if err != nil {
		return Reply{}, err
	}
	// Raised, it is as for declaring at sev: who may is known before the
	// change, whether it raises only on the incident the change reads.
	var refused error
	if len(r.cfg.Permissions.Declare[sev]) > 0 {
		refused = r.cfg.Permissions.declares(r.names(ctx, c.req), sev)
	}
	var old bot.Severity
	inc, err := r.svc.SetSeverity(ctx, c.number, c.actor, sev, c.checked(func(inc *bot.Incident) error {
		old = inc.Severity
		if sev < inc.Severity {
			return refused
		}
		return nil
	}))
	if err != nil {
		return Reply{}, err
	}
	return changed(inc, "%s is now %s (was %s)%s.", inc.Key(), inc.Severity, old, c.who()), nil
}

func runUpdate(ctx context.Context, r *Router, c *call) (Reply, error) {
	a, err := c.parseArgs()
	if err != nil {
		return Reply{}, err
	}
	var to bot.Status
	if s, ok := a.value("status"); ok {
		if to, err = bot.ParseStatus(s); err != nil {
			return Reply{}, err
		}
	}
	if to == bot.StatusClosed && !allows(r.cfg.Permissions.Close, r.names(ctx, c.req)...) {
		return Reply{}, bot.Errorf(bot.CodeForbidden, "you may not close incidents here")
	}
	inc, err := r.svc.PostUpdate(ctx, c.number, c.actor, text(a.pos), to, c.cause())
	if err != nil {
		return Reply{}, err
	}
	return changed(inc, "Update posted on %s (%s).", inc.Key(), inc.Status), nil
}

func runNote(ctx context.Context, r *Router, c *call) (Reply, error) {
	inc, err := r.svc.AddNote(ctx, c.number, c.actor, text(c.args), c.cause())
	if err != nil {
		return Reply{}, err
	}
	rep := changed(inc, "Note added to the timeline of %s.", inc.Key())
	rep.Ephemeral = true // a note goes to the timeline only
	return rep, nil
}

func runResolve(ctx context.Context, r *Router, c *call) (Reply, error) {
	rest, fields, err := fieldFlags(c.args)
	if err != nil {
		return Reply{}, err
	}
	inc, err := r.svc.ResolveWith(ctx, c.cause(), c.number, c.actor, text(rest), fields)
	if err != nil {
		return Reply{}, err
	}
	ttr, _ := inc.TimeToResolve()
	return changed(inc, "%s resolved%s after %s.", inc.Key(), c.who(), bot.FormatDuration(ttr)), nil
}

func runClose(ctx context.Context, r *Router, c *call) (Reply, error) {
	if err := c.noArgs(); err != nil {
		return Reply{}, err
	}
	inc, err := r.svc.Close(ctx, c.number, c.actor, c.cause())
	if err != nil {
		return Reply{}, err
	}
	return changed(inc, "%s closed%s.", inc.Key(), c.who()), nil
}

func runReopen(ctx context.Context, r *Router, c *call) (Reply, error) {
	if err := c.noArgs(); err != nil {
		return Reply{}, err
	}
	inc, err := r.svc.Reopen(ctx, c.number, c.actor, c.cause())
	if err != nil {
		return Reply{}, err
	}
	return changed(inc, "%s reopened%s; it is %s again.", inc.Key(), c.who(), inc.Status), nil
}

// changed is the reply to a change the channel should see.
func changed(inc *bot.Incident, format string, args ...any) Reply {
	return Reply{Text: fmt.Sprintf(format, args...), Incident: inc}
}
