package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/warroom/warroom/bot"
)

// Problem management: /problem create, link, show, rootcause, ... (README.md,
// "Problem management"). Every subcommand names its problem by key; none
// acts on the channel's incident.

// problemGroup is the /problem group; with no subcommand it lists.
var problemGroup = group{name: "problem", aliases: []string{"problems", "prb"}, def: "list"}

// problemCommands are the /problem registrations, in help order.
func problemCommands() []*command {
	return []*command{
		{name: "problem create", aliases: []string{"new"}, run: runProblemCreate,
			usage: "/problem create TITLE", summary: "Record a problem: the common cause behind one or more incidents."},
		{name: "problem list", reads: true, aliases: []string{"ls"}, run: runProblemList, flags: []flagSpec{{"all", false}, {"status", true}},
			usage: "/problem list [--all | --status S[,S...]]", summary: "List problems (open and known errors unless told)."},
		{name: "problem show", reads: true, aliases: []string{"info"}, run: runProblemShow,
			usage: "/problem show PRB-n", summary: "Show a problem with its root cause, workaround, incidents and action items."},
		{name: "problem link", run: runProblemLink,
			usage: "/problem link PRB-n INC-n...", summary: "Link incidents to a problem."},
		{name: "problem unlink", run: runProblemUnlink,
			usage: "/problem unlink PRB-n INC-n...", summary: "Unlink incidents from a problem."},
		{name: "problem rootcause", aliases: []string{"root-cause", "cause"}, run: runProblemRootCause,
			usage: "/problem rootcause PRB-n TEXT", summary: "Record the problem's root cause."},
		{name: "problem workaround", run: runProblemWorkaround,
			usage: "/problem workaround PRB-n TEXT", summary: "Record a workaround while the problem is not fixed."},
		{name: "problem status", run: runProblemStatus,
			usage: "/problem status PRB-n open|known-error|resolved|closed", summary: "Move the problem to a status (closed can only be reopened)."},
		{name: "problem owner", run: runProblemOwner,
			usage: "/problem owner PRB-n @user|none", summary: "Give the problem an owner (@me for yourself), or none."},
		{name: "problem title", run: runProblemTitle,
			usage: "/problem title PRB-n TEXT", summary: "Rename the problem."},
		{name: "problem close", run: runProblemClose,
			usage: "/problem close PRB-n", summary: "Close the problem."},
		{name: "problem action", run: runProblemAction, flags: []flagSpec{{"kind", true}},
			usage:   "/problem action add PRB-n TEXT [@owner] [due:DATE] [--kind corrective|preventive|detective] | done PRB-n N",
			summary: "Add an action item to the problem, or mark item N done; they outlive every incident."},
		{name: "problem actions", reads: true, run: runProblemActions,
			usage: "/problem actions PRB-n", summary: "List the problem's action items."},
	}
}

// problemArg reads the PRB-n that starts a problem command's arguments.
func (c *call) problemArg(toks []Token) (int64, []Token, error) {
	if len(toks) == 0 {
		return 0, nil, bot.Errorf(bot.CodeInvalid, "which problem? name it, e.g. /%s PRB-3", c.cmd.name)
	}
	n, err := bot.ParseProblemKey(toks[0].Text)
	if err != nil {
		return 0, nil, err
	}
	return n, toks[1:], nil
}

func runProblemCreate(ctx context.Context, r *Router, c *call) (Reply, error) {
	p, err := r.svc.Problems().Create(ctx, c.actor, text(c.args), bot.ProblemChange{})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Text: fmt.Sprintf("Recorded problem %s: %s%s.", p.Key(), p.Title, c.who())}, nil
}

func runProblemList(ctx context.Context, r *Router, c *call) (Reply, error) {
	a, err := c.parseArgs()
	if err != nil {
		return Reply{}, err
	}
	if len(a.pos) > 0 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "problem list takes no text, only --all or --status")
	}
	f := bot.ProblemFilter{Statuses: []bot.ProblemStatus{bot.ProblemOpen, bot.ProblemKnownError}}
	what := "Open problems"
	switch s, ok := a.value("status"); {
	case ok && a.has("all"):
		return Reply{}, bot.Errorf(bot.CodeInvalid, "give --all or --status, not both")
	case a.has("all"):
		f.Statuses, what = nil, "Problems"
	case ok:
		f.Statuses = nil
		for _, part := range strings.Split(s, ",") {
			st, err := bot.ParseProblemStatus(part)
			if err != nil {
				return Reply{}, err
			}
			f.Statuses = append(f.Statuses, st)
		}
		what = "Problems (" + s + ")"
	}
	ps, err := r.svc.Problems().List(ctx, f)
	if err != nil {
		return Reply{}, fmt.Errorf("list problems: %w", err)
	}
	if len(ps) == 0 {
		return Reply{Text: what + ": none. Record one: /problem create TITLE", Ephemeral: true}, nil
	}
	rows := [][]string{{"KEY", "STATUS", "OWNER", "TITLE"}}
	for _, p := range ps {
		owner := "-"
		if p.Owner != "" {
			owner = "@" + p.Owner
		}
		rows = append(rows, []string{p.Key(), string(p.Status), owner, clip(p.Title, 80)})
	}
	return Reply{Text: fmt.Sprintf("%s (%d):\n%s", what, len(ps), columns(rows)), Ephemeral: true}, nil
}

func runProblemShow(ctx context.Context, r *Router, c *call) (Reply, error) {
	n, rest, err := c.problemArg(c.args)
	if err != nil {
		return Reply{}, err
	}
	if len(rest) > 0 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "problem show takes one key, e.g. PRB-3")
	}
	v, err := r.svc.Problems().View(ctx, n, r.viewer(ctx, c.req))
	if err != nil {
		return Reply{}, err
	}
	return Reply{Text: formatProblem(v, r.now(), r.svc.PublicURL()), Ephemeral: true}, nil
}

// runProblemLink and runProblemUnlink: PRB-n INC-n...
func runProblemLink(ctx context.Context, r *Router, c *call) (Reply, error) {
	return relinkProblem(ctx, r, c, true)
}

func runProblemUnlink(ctx context.Context, r *Router, c *call) (Reply, error) {
	return relinkProblem(ctx, r, c, false)
}

func relinkProblem(ctx context.Context, r *Router, c *call, link bool) (Reply, error) {
	n, rest, err := c.problemArg(c.args)
	if err != nil {
		return Reply{}, err
	}
	if len(rest) == 0 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "name the incidents, e.g. /%s PRB-3 INC-42", c.cmd.name)
	}
	// Every key is read before anything changes, so a bad one changes nothing.
	var incs []int64
	for _, t := range rest {
		k, err := bot.ParseKey(t.Value)
		if t.Kind != Key || err != nil {
			return Reply{}, bot.Errorf(bot.CodeInvalid, "%q is not an incident key like INC-42", bot.SanitizeTitle(t.Text, 40))
		}
		incs = append(incs, k)
	}
	v := r.viewer(ctx, c.req)
	pr := r.svc.Problems()
	var keys []string
	for _, inc := range incs {
		if link {
			_, err = pr.Link(ctx, c.actor, v, n, inc)
		} else {
			_, err = pr.Unlink(ctx, c.actor, v, n, inc)
		}
		if err != nil {
			if len(keys) > 0 {
				err = fmt.Errorf("%s done for %s, then: %w", c.cmd.name, strings.Join(keys, ", "), err)
			}
			return Reply{}, err
		}
		keys = append(keys, bot.FormatKey(inc))
	}
	verb := "Linked %s to %s%s."
	if !link {
		verb = "Unlinked %s from %s%s."
	}
	return Reply{Text: fmt.Sprintf(verb, strings.Join(keys, ", "), bot.FormatProblemKey(n), c.who())}, nil
}

// runProblemText is rootcause, workaround and title: PRB-n TEXT.
func runProblemText(ctx context.Context, r *Router, c *call, what string, set func(*bot.ProblemChange, *string)) (Reply, error) {
	n, rest, err := c.problemArg(c.args)
	if err != nil {
		return Reply{}, err
	}
	t := text(rest)
	if strings.TrimSpace(t) == "" {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "give the %s as text after the key", what)
	}
	var ch bot.ProblemChange
	set(&ch, &t)
	p, err := r.svc.Problems().Update(ctx, c.actor, n, ch)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Text: fmt.Sprintf("%s of %s recorded%s.", capitalize(what), p.Key(), c.who())}, nil
}

func runProblemRootCause(ctx context.Context, r *Router, c *call) (Reply, error) {
	return runProblemText(ctx, r, c, "root cause", func(ch *bot.ProblemChange, s *string) { ch.RootCause = s })
}

func runProblemWorkaround(ctx context.Context, r *Router, c *call) (Reply, error) {
	return runProblemText(ctx, r, c, "workaround", func(ch *bot.ProblemChange, s *string) { ch.Workaround = s })
}

func runProblemTitle(ctx context.Context, r *Router, c *call) (Reply, error) {
	return runProblemText(ctx, r, c, "title", func(ch *bot.ProblemChange, s *string) { ch.Title = s })
}

func runProblemStatus(ctx context.Context, r *Router, c *call) (Reply, error) {
	n, rest, err := c.problemArg(c.args)
	if err != nil {
		return Reply{}, err
	}
	if len(rest) == 0 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "name the status: open, known-error, resolved or closed")
	}
	st, err := bot.ParseProblemStatus(text(rest))
	if err != nil {
		return Reply{}, err
	}
	return setProblemStatus(ctx, r, c, n, st)
}

func runProblemClose(ctx context.Context, r *Router, c *call) (Reply, error) {
	n, rest, err := c.problemArg(c.args)
	if err != nil {
		return Reply{}, err
	}
	if len(rest) > 0 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "problem close takes one key, e.g. PRB-3")
	}
	return setProblemStatus(ctx, r, c, n, bot.ProblemClosed)
}

func setProblemStatus(ctx context.Context, r *Router, c *call, n int64, st bot.ProblemStatus) (Reply, error) {
	p, err := r.svc.Problems().Update(ctx, c.actor, n, bot.ProblemChange{Status: &st})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Text: fmt.Sprintf("%s is %s%s.", p.Key(), p.Status, c.who())}, nil
}

func runProblemOwner(ctx context.Context, r *Router, c *call) (Reply, error) {
	n, rest, err := c.problemArg(c.args)
	if err != nil {
		return Reply{}, err
	}
	if len(rest) != 1 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "name one owner, e.g. @alice, or none")
	}
	owner := ""
	if !(rest[0].Kind == Word && strings.EqualFold(rest[0].Text, "none")) {
		if owner, err = c.user(rest[0]); err != nil {
			return Reply{}, err
		}
	}
	p, err := r.svc.Problems().Update(ctx, c.actor, n, bot.ProblemChange{Owner: &owner})
	if err != nil {
		return Reply{}, err
	}
	if p.Owner == "" {
		return Reply{Text: fmt.Sprintf("%s has no owner now%s.", p.Key(), c.who())}, nil
	}
	return Reply{Text: fmt.Sprintf("%s is owned by @%s%s.", p.Key(), p.Owner, c.who())}, nil
}

// runProblemAction: action add PRB-n TEXT..., action done PRB-n N, action list PRB-n.
func runProblemAction(ctx context.Context, r *Router, c *call) (Reply, error) {
	a, err := c.parseArgs()
	if err != nil {
		return Reply{}, err
	}
	if len(a.pos) == 0 || a.pos[0].Kind != Word {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "write problem action add or done")
	}
	sub := strings.ToLower(a.pos[0].Text)
	n, rest, err := c.problemArg(a.pos[1:])
	if err != nil {
		return Reply{}, err
	}
	if sub != "add" && a.has("kind") {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "--kind goes with problem action add")
	}
	pr := r.svc.Problems()
	switch sub {
	case "add":
		in, err := c.actionInput(a, rest, r.now())
		if err != nil {
			return Reply{}, err
		}
		item, err := pr.AddAction(ctx, c.actor, n, in)
		if err != nil {
			return Reply{}, err
		}
		msg := fmt.Sprintf("Added action item #%d (%s) to %s: %s", item.Seq, item.Kind, bot.FormatProblemKey(n), item.Title)
		if item.Owner != "" {
			msg += ", owner @" + item.Owner
		}
		if item.Due != nil {
			msg += ", due " + formatDue(*item.Due)
		}
		return Reply{Text: msg + "."}, nil
	case "done", "complete":
		seq, err := parseNumber("action item", rest)
		if err != nil {
			return Reply{}, err
		}
		item, err := pr.CompleteAction(ctx, c.actor, n, int(seq))
		if err != nil {
			return Reply{}, err
		}
		return Reply{Text: fmt.Sprintf("Action item #%d of %s is done%s: %s", item.Seq, bot.FormatProblemKey(n), c.who(), item.Title)}, nil
	}
	return Reply{}, bot.Errorf(bot.CodeInvalid, "unknown problem action command %q; write add or done", bot.SanitizeTitle(sub, 40))
}

// runProblemActions: actions PRB-n.
func runProblemActions(ctx context.Context, r *Router, c *call) (Reply, error) {
	n, rest, err := c.problemArg(c.args)
	if err != nil {
		return Reply{}, err
	}
	if len(rest) > 0 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "problem actions takes one key, e.g. PRB-3")
	}
	p, err := r.svc.Problems().Get(ctx, n)
	if err != nil {
		return Reply{}, err
	}
	items, err := r.svc.Problems().Actions(ctx, bot.ProblemActionFilter{Problem: n})
	if err != nil {
		return Reply{}, fmt.Errorf("list action items: %w", err)
	}
	return Reply{Text: formatProblemActions(p.Key(), items, r.now()), Ephemeral: true}, nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
