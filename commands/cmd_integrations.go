package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

func needPager(cfg *Config) string    { return unless(cfg.Pager != nil, notConfiguredPager) }
func needTicketer(cfg *Config) string { return unless(cfg.Ticketer != nil, notConfiguredTicketer) }
func needOnCall(cfg *Config) string   { return unless(cfg.OnCall != nil, notConfiguredOnCall) }
func needDigester(cfg *Config) string { return unless(cfg.Digester != nil, notConfiguredDigester) }
func needPostmortem(cfg *Config) string {
	return unless(cfg.Postmortem != nil, notConfiguredPostmortem)
}
func needMaintenance(cfg *Config) string {
	return unless(cfg.Maintenance != nil, notConfiguredMaintenance)
}

func unless(ok bool, msg string) string {
	if ok {
		return ""
	}
	return msg
}

// runPage: page SERVICE|@user [MESSAGE]. The incident is optional: a page
// can be about no incident.
func runPage(ctx context.Context, r *Router, c *call) (Reply, error) {
	if len(c.args) == 0 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "name a service or a person to page")
	}
	var target string
	switch t := c.args[0]; t.Kind {
	case Mention:
		u, err := c.user(t)
		if err != nil {
			return Reply{}, err
		}
		target = "@" + u
	case Word:
		target = bot.SanitizeTitle(t.Text, bot.MaxNameLen)
	}
	if target == "" {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "name a service or a person to page")
	}
	message := bot.SanitizeText(text(c.args[1:]), bot.MaxTextLen)
	if message == "" && c.inc != nil {
		message = fmt.Sprintf("%s %s: %s", c.inc.Severity, c.inc.Key(), c.inc.Title)
	}
	out, err := r.cfg.Pager.Page(ctx, c.inc, target, message, c.actor)
	if err != nil {
		return Reply{}, fmt.Errorf("page %s: %w", target, err)
	}
	if out == "" {
		out = "Paged " + target + "."
	}
	return Reply{Text: out, Incident: c.inc}, nil
}

// runTicket: ticket. Shows the linked ticket, or creates it and links it.
func runTicket(ctx context.Context, r *Router, c *call) (Reply, error) {
	if err := c.noArgs(); err != nil {
		return Reply{}, err
	}
	var lines []string
	inc, created := c.inc, false
	for _, t := range r.ticketers(c.inc) {
		sys := t.System()
		if l, ok := inc.Links[sys]; ok && l.ID != "" {
			lines = append(lines, fmt.Sprintf("%s's ticket: %s", inc.Key(), linkText(l)))
			continue
		}
		l, err := t.Ticket(ctx, inc, c.actor)
		if err != nil {
			return Reply{}, fmt.Errorf("create ticket for %s: %w", inc.Key(), err)
		}
		if inc, err = r.svc.SetLink(ctx, bot.Cause{}, inc.Number, c.actor, sys, l); err != nil {
			return Reply{}, err
		}
		created = true
		lines = append(lines, fmt.Sprintf("Ticket for %s: %s", inc.Key(), linkText(l)))
	}
	if !created {
		return Reply{Text: strings.Join(lines, "\n"), Incident: inc, Ephemeral: true}, nil
	}
	return changed(inc, "%s", strings.Join(lines, "\n")), nil
}

// ticketers are the ticket systems /incident ticket creates inc's ticket
// in: those its severity names, else every configured one.
func (r *Router) ticketers(inc *bot.Incident) []Ticketer {
	all := r.cfg.Ticketers
	if len(all) == 0 {
		all = []Ticketer{r.cfg.Ticketer}
	}
	want := r.svc.TicketSystems(inc)
	if len(want) == 0 {
		return all
	}
	var out []Ticketer
	for _, t := range all {
		if slices.Contains(want, t.System()) {
			out = append(out, t)
		}
	}
	if len(out) == 0 { // the named systems are not configured
		return all[:1]
	}
	return out
}

func linkText(l bot.Link) string {
	if l.URL == "" {
		return l.ID
	}
	return l.ID + " " + l.URL
}

// runPostmortem: postmortem.
func runPostmortem(ctx context.Context, r *Router, c *call) (Reply, error) {
	if err := c.noArgs(); err != nil {
		return Reply{}, err
	}
	draft, err := r.cfg.Postmortem.Draft(ctx, c.inc)
	if err != nil {
		return Reply{}, fmt.Errorf("draft postmortem of %s: %w", c.inc.Key(), err)
	}
	return Reply{Text: draft, Incident: c.inc}, nil
}

// Digest periods: the default and the accepted range.
const (
	defaultDigestPeriod = 7 * 24 * time.Hour
	maxDigestPeriod     = 366 * 24 * time.Hour
)

// runDigest: digest [7d|30d].
func runDigest(ctx context.Context, r *Router, c *call) (Reply, error) {
	period := defaultDigestPeriod
	switch len(c.args) {
	case 0:
	case 1:
		d, err := ParseDuration(c.args[0].Text)
		if err != nil {
			return Reply{}, err
		}
		if d < time.Hour || d > maxDigestPeriod {
			return Reply{}, bot.Errorf(bot.CodeInvalid, "a digest covers 1h to 366d, not %s", c.args[0].Text)
		}
		period = d
	default:
		return Reply{}, bot.Errorf(bot.CodeInvalid, "give one period, e.g. 7d")
	}
	out, err := r.cfg.Digester.Digest(ctx, period, c.req.Channel, c.req.Platform)
	if err != nil {
		return Reply{}, fmt.Errorf("build digest: %w", err)
	}
	return Reply{Text: out}, nil
}

// runOnCall: oncall [SCHEDULE].
func runOnCall(ctx context.Context, r *Router, c *call) (Reply, error) {
	schedule := strings.TrimSpace(text(c.args))
	if len([]rune(schedule)) > bot.MaxNameLen {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "the schedule name is too long")
	}
	out, err := r.cfg.OnCall.OnCall(ctx, bot.SanitizeTitle(schedule, bot.MaxNameLen))
	if err != nil {
		return Reply{}, fmt.Errorf("look up on-call: %w", err)
	}
	if line := r.serviceOnCall(ctx, c, schedule); line != "" {
		out = line + "\n" + out
	}
	return Reply{Text: out, Ephemeral: true}, nil
}

// serviceOnCall names, for /oncall in an incident's room, who is on call
// now for the incident's service (by display name); "" when that is not
// known or the lookup fails (the schedules answer alone then).
func (r *Router) serviceOnCall(ctx context.Context, c *call, schedule string) string {
	if r.cfg.ServiceOnCall == nil || c.inc == nil || c.inc.Service == "" || schedule != "" {
		return ""
	}
	ids, err := r.cfg.ServiceOnCall(ctx, c.req.Platform, c.inc.Service)
	if err != nil {
		r.log.Warn("look up the on-call of a service", "service", c.inc.Service, "err", err)
		return ""
	}
	if len(ids) == 0 {
		return ""
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = r.svc.Names().Name(id)
	}
	return fmt.Sprintf("On call now for %s (%s): %s", c.inc.Service, c.inc.Key(), strings.Join(names, ", "))
}
