package commands

import (
	"context"
	"fmt"
	"slices"

	"github.com/warroom/warroom/bot"
)

// maxListedActions bounds a cross-incident action list.
const maxListedActions = 50

// listActionsAcross lists action items of every incident: the caller's
// (--mine), the overdue ones (--overdue) or the open ones (--open).
func listActionsAcross(ctx context.Context, r *Router, c *call, a args) (Reply, error) {
	f := bot.ActionFilter{OpenOnly: a.has("overdue") || a.has("open")}
	if a.has("mine") {
		if c.actor == "" {
			return Reply{}, bot.Errorf(bot.CodeInvalid, "--mine needs to know who you are: run it from chat or give a user")
		}
		f.Owner = c.actor
	}
	items, err := r.svc.ActionsAs(ctx, f, r.viewer(ctx, c.req))
	if err != nil {
		return Reply{}, fmt.Errorf("list action items: %w", err)
	}
	now := r.now()
	if a.has("overdue") {
		items = slices.DeleteFunc(items, func(it bot.ActionItem) bool { return !it.Overdue(now) })
	}
	bot.SortActions(items)
	what := "Action items"
	switch {
	case a.has("mine") && a.has("overdue"):
		what = "Your overdue action items"
	case a.has("mine"):
		what = "Your action items"
	case a.has("overdue"):
		what = "Overdue action items"
	case a.has("open"):
		what = "Open action items"
	}
	if len(items) == 0 {
		return Reply{Text: what + ": none.", Ephemeral: true}, nil
	}
	rows := [][]string{{"INCIDENT", "#", "STATUS", "KIND", "OWNER", "DUE", "TITLE"}}
	for i, it := range items {
		if i == maxListedActions {
			rows = append(rows, []string{"…", "", "", "", "", "", fmt.Sprintf("%d more", len(items)-maxListedActions)})
			break
		}
		owner, due := "-", "-"
		if it.Owner != "" {
			owner = "@" + it.Owner
		}
		if it.Due != nil {
			due = formatDue(*it.Due)
			if it.Overdue(now) {
				due += " OVERDUE"
			}
		}
		rows = append(rows, []string{bot.FormatKey(it.Incident), fmt.Sprint(it.Seq), string(it.Status), string(it.Kind), owner, due, it.Title})
	}
	return Reply{Text: fmt.Sprintf("%s (%d):\n%s", what, len(items), columns(rows)), Ephemeral: true}, nil
}
