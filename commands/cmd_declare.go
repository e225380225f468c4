package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/warroom/warroom/bot"
)

// runDeclare: declare [sev1-4] TITLE [--sev S] [--type T] [--field
// NAME=VALUE]... [--service S] [--private] [--summary TEXT] [--impact TEXT]
// [--commander @user]. With no arguments at all it asks
// the platform to open the declare form.
func runDeclare(ctx context.Context, r *Router, c *call) (Reply, error) {
	if len(c.args) == 0 {
		return Reply{Form: "declare", Text: "usage: " + c.cmd.usage, Ephemeral: true}, nil
	}
	a, err := c.parseArgs()
	if err != nil {
		return Reply{}, err
	}
	in := bot.DeclareInput{Actor: c.actor, Private: a.has("private")}
	pos := a.pos
	if v, ok := a.value("sev"); ok {
		if in.Severity, err = bot.ParseSeverity(v); err != nil {
			return Reply{}, err
		}
	} else if len(pos) > 0 && pos[0].Kind == Word && !pos[0].Quoted && (isSevWord(pos[0].Text) || bot.IsSeverityName(pos[0].Text)) {
		sev, err := bot.ParseSeverity(pos[0].Text)
		if err != nil {
			return Reply{}, err
		}
		in.Severity, pos = sev, pos[1:]
	}
	in.Title = text(pos)
	in.Service, _ = a.value("service")
	in.Summary, _ = a.value("summary")
	in.Impact, _ = a.value("impact")
	in.Type, _ = a.value("type")
	if in.Fields, err = declareFields(a); err != nil {
		return Reply{}, err
	}
	if t, ok := a.flags["commander"]; ok {
		if in.Commander, err = c.user(t); err != nil {
			return Reply{}, err
		}
	}
	if err := r.cfg.Permissions.declares(r.names(ctx, c.req), in.Severity); err != nil {
		return Reply{}, err
	}
	inc, err := r.svc.Declare(ctx, in)
	if err != nil {
		return Reply{}, err
	}
	card := r.svc.Card(inc)
	return Reply{
		Text:     fmt.Sprintf("Declared %s (%s): %s", inc.Key(), inc.Severity, inc.Title),
		Message:  &card,
		Incident: inc,
	}, nil
}

// isSevWord says whether a word is meant as a severity: sev followed by
// digits ("sev2", "SEV9"). "S3" is not: it starts titles like "S3 bucket
// is public".
func isSevWord(w string) bool {
	if len(w) < 4 || !strings.EqualFold(w[:3], "sev") {
		return false
	}
	for _, r := range w[3:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
