package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
)

// runActionAdd: action add TEXT [@owner] [due:DATE] [--kind K]. The last
// mention is the owner (earlier ones stay in the text); one due: at most.
func runActionAdd(ctx context.Context, r *Router, c *call) (Reply, error) {
	a, err := c.parseArgs()
	if err != nil {
		return Reply{}, err
	}
	in, err := c.actionInput(a, a.pos, r.now())
	if err != nil {
		return Reply{}, err
	}
	item, err := r.svc.AddAction(ctx, c.inc.Number, c.actor, in)
	if err != nil {
		return Reply{}, err
	}
	msg := fmt.Sprintf("Added action item #%d (%s) to %s: %s", item.Seq, item.Kind, c.inc.Key(), item.Title)
	if item.Owner != "" {
		msg += ", owner @" + item.Owner
	}
	if item.Due != nil {
		msg += ", due " + formatDue(*item.Due)
	}
	return Reply{Text: msg + ".", Incident: c.inc}, nil
}

// actionInput reads an action item from words: TEXT [@owner] [due:DATE],
// and --kind from a. The last mention is the owner (earlier ones stay in
// the text); one due: at most.
func (c *call) actionInput(a args, pos []Token, now time.Time) (bot.ActionInput, error) {
	var in bot.ActionInput
	var err error
	if k, ok := a.value("kind"); ok {
		if in.Kind, err = bot.ParseActionKind(k); err != nil {
			return in, err
		}
	}
	owner, due := -1, -1
	for i, t := range pos {
		switch t.Kind {
		case Mention:
			owner = i
		case Due:
			if due >= 0 {
				return in, bot.Errorf(bot.CodeInvalid, "give one due date")
			}
			due = i
		}
	}
	var words []Token
	for i, t := range pos {
		switch i {
		case owner:
			if in.Owner, err = c.user(t); err != nil {
				return in, err
			}
		case due:
			d, err := ParseDue(t.Value, now)
			if err != nil {
				return in, err
			}
			in.Due = &d
		default:
			words = append(words, t)
		}
	}
	in.Title = text(words)
	return in, nil
}

// runActionDone: action done N.
func runActionDone(ctx context.Context, r *Router, c *call) (Reply, error) {
	n, err := parseNumber("action item", c.args)
	if err != nil {
		return Reply{}, err
	}
	item, err := r.svc.CompleteAction(ctx, bot.Cause{}, c.inc.Number, c.actor, int(n))
	if err != nil {
		return Reply{}, err
	}
	return Reply{Text: fmt.Sprintf("Action item #%d of %s is done%s: %s", item.Seq, c.inc.Key(), c.who(), item.Title), Incident: c.inc}, nil
}

// runActionList: action list [--mine] [--overdue] [--open]. In an
// incident without flags it lists that incident's items; otherwise it
// lists across incidents (cmd_actionlist.go).
func runActionList(ctx context.Context, r *Router, c *call) (Reply, error) {
	a, err := c.parseArgs()
	if err != nil {
		return Reply{}, err
	}
	if len(a.pos) > 0 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "action list takes no text, only --mine, --overdue and --open")
	}
	if c.inc == nil || a.has("mine") || a.has("overdue") || a.has("open") {
		return listActionsAcross(ctx, r, c, a)
	}
	items, err := r.svc.Actions(ctx, bot.ActionFilter{Incident: c.inc.Number})
	if err != nil {
		return Reply{}, fmt.Errorf("list action items: %w", err)
	}
	return Reply{Text: formatActions(c.inc, items, r.now()), Incident: c.inc, Ephemeral: true}, nil
}
