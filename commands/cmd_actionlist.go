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
		listed = append(listed, incidentAction(it, now))
	}
	for _, it := range pitems {
		listed = append(listed, problemAction(it, now))
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
		owner, due := it.cells()
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

func incidentAction(a bot.ActionItem, now time.Time) listedAction {
	return listedAction{bot.FormatKey(a.Incident), a.Seq, a.Status, a.Kind, a.Owner, a.Due, a.Title, a.Overdue(now)}
}

func problemAction(a bot.ProblemAction, now time.Time) listedAction {
	return listedAction{bot.FormatProblemKey(a.Problem), a.Seq, a.Status, a.Kind, a.Owner, a.Due, a.Title, a.Overdue(now)}
}

// cells are the owner and due columns: -, @owner, the date, OVERDUE.
func (a listedAction) cells() (owner, due string) {
	owner, due = "-", "-"
	if a.owner != "" {
		owner = "@" + a.owner
	}
	if a.due != nil {
		due = formatDue(*a.due)
		if a.overdue {
			due += " OVERDUE"
		}
	}
	return owner, due
}
