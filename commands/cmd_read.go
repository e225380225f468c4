package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/warroom/warroom/bot"
)

// listLimit is the most incidents list shows.
const listLimit = 50

// runList: list [--all | --status S[,S...]]; also "list all", "list resolved".
func runList(ctx context.Context, r *Router, c *call) (Reply, error) {
	a, err := c.parseArgs()
	if err != nil {
		return Reply{}, err
	}
	words := make([]string, 0, len(a.pos))
	for _, t := range a.pos {
		words = append(words, strings.Split(t.Text, ",")...)
	}
	if s, ok := a.value("status"); ok {
		words = append(words, strings.Split(s, ",")...)
	}
	all := a.has("all")
	var statuses []bot.Status
	for _, w := range words {
		switch w = strings.ToLower(strings.TrimSpace(w)); w {
		case "":
		case "all":
			all = true
		case "open":
			statuses = append(statuses, bot.OpenStatuses...)
		default:
			s, err := bot.ParseStatus(w)
			if err != nil {
				return Reply{}, err
			}
			statuses = append(statuses, s)
		}
	}
	if all && len(statuses) > 0 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "--all and --status exclude each other")
	}
	label := "incidents"
	switch {
	case !all && len(statuses) == 0:
		statuses, label = bot.OpenStatuses, "open incidents"
	case !all:
		names := make([]string, len(statuses))
		for i, s := range statuses {
			names[i] = string(s)
		}
		label = "incidents that are " + strings.Join(names, " or ")
	}
	incs, err := r.svc.ListAs(ctx, bot.IncidentFilter{Statuses: statuses, Limit: listLimit + 1}, r.viewer(ctx, c.req))
	if err != nil {
		return Reply{}, fmt.Errorf("list incidents: %w", err)
	}
	return Reply{Text: formatList(incs, label, r.now()), Ephemeral: true}, nil
}

func runShow(ctx context.Context, r *Router, c *call) (Reply, error) {
	if err := c.noArgs(); err != nil {
		return Reply{}, err
	}
	card := r.svc.CardWithAlerts(ctx, c.inc)
	return Reply{Text: formatIncident(c.inc, r.now()), Message: &card, Incident: c.inc, Ephemeral: true}, nil
}

func runTimeline(ctx context.Context, r *Router, c *call) (Reply, error) {
	if err := c.noArgs(); err != nil {
		return Reply{}, err
	}
	entries, err := r.svc.Timeline(ctx, c.inc.Number)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Text: r.svc.Names().Text(formatTimeline(c.inc, entries)), Incident: c.inc, Ephemeral: true}, nil
}

// runHelp: help, or help COMMAND.
func runHelp(_ context.Context, r *Router, c *call) (Reply, error) {
	if len(c.args) == 0 {
		return Reply{Text: r.Help(), Ephemeral: true}, nil
	}
	toks := stripPrefix(c.args)
	if len(toks) == 0 {
		return Reply{Text: r.Help(), Ephemeral: true}, nil
	}
	if g, ok := r.reg.groups[strings.ToLower(toks[0].Text)]; ok && len(toks) == 1 {
		var parts []string
		for _, cmd := range r.reg.cmds {
			if strings.HasPrefix(cmd.name, g.name+" ") {
				parts = append(parts, r.reg.commandHelp(cmd))
			}
		}
		return Reply{Text: strings.Join(parts, "\n\n"), Ephemeral: true}, nil
	}
	cmd, _, err := r.reg.lookup(toks)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Text: r.reg.commandHelp(cmd), Ephemeral: true}, nil
}
