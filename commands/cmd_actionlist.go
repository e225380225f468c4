package commands

import (
	"context"
	"fmt"
	"slices"
	"time"

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
	// Problem action items (cmd_problem.go) list with them, keyed PRB-n.
	pitems, err := r.svc.Problems().Actions(ctx, bot.ProblemActionFilter{Owner: f.Owner, OpenOnly: f.OpenOnly})
	if err != nil {
		return Reply{}, fmt.Errorf("list problem action items: %w", err)
	}
	if a.has("overdue") {
		pitems = slices.DeleteFunc(pitems, func(it bot.ProblemAction) bool { return !it.Overdue(now) })
	}
	listed := make([]listedAction, 0, len(items)+len(pitems))
	for _, it := range items {
		listed = append(listed, listedAction{bot.FormatKey(it.Incident), it.Seq, it.Status, it.Kind, it.Owner, it.Due, it.Title, it.Overdue(now)})
	}
	for _, it := range pitems {
		listed = append(listed, listedAction{bot.FormatProblemKey(it.Problem), it.Seq, it.Status, it.Kind, it.Owner, it.Due, it.Title, it.Overdue(now)})
	}
	// Incident items come sorted (bot.SortActions); problem items join by due date.
	slices.SortStableFunc(listed, func(x, y listedAction) int { return bot.CompareDue(x.due, y.due) })
	if len(listed) == 0 {
		return Reply{Text: what + ": none.", Ephemeral: true}, nil
	}
	rows := [][]string{{"FOR", "#", "STATUS", "KIND", "OWNER", "DUE", "TITLE"}}
	for i, it := range listed {
		if i == maxListedActions {
			rows = append(rows, []string{"…", "", "", "", "", "", fmt.Sprintf("%d more", len(listed)-maxListedActions)})
			break
		}
		owner, due := "-", "-"
		if it.owner != "" {
			owner = "@" + it.owner
		}
		if it.due != nil {
			due = formatDue(*it.due)
			if it.overdue {
				due += " OVERDUE"
			}
		}
		rows = append(rows, []string{it.key, fmt.Sprint(it.seq), string(it.status), string(it.kind), owner, due, it.title})
	}
	return Reply{Text: fmt.Sprintf("%s (%d):\n%s", what, len(listed), columns(rows)), Ephemeral: true}, nil
}

// listedAction is a row of a cross-incident action list: an incident's
// item or a problem's.
type listedAction struct {
	key     string // INC-n or PRB-n
	seq     int
	status  bot.ActionStatus
	kind    bot.ActionKind
	owner   string
	due     *time.Time
	title   string
	overdue bool
}
