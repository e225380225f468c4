package commands

import (
	"context"
	"strings"

	"github.com/warroom/warroom/bot"
)

// roleAliases are short names people use for the built-in roles.
var roleAliases = map[string]string{
	"ic": bot.RoleCommander, "incident-commander": bot.RoleCommander,
	"comms": bot.RoleCommunications, "comm": bot.RoleCommunications,
}

// runRole: role ROLE @user (the two may come in either order).
func runRole(ctx context.Context, r *Router, c *call) (Reply, error) {
	if len(c.args) != 2 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "name a role and a person")
	}
	roleTok, userTok := c.args[0], c.args[1]
	if roleTok.Kind == Mention && userTok.Kind == Word {
		roleTok, userTok = userTok, roleTok
	}
	role := strings.ToLower(roleTok.Text)
	if full, ok := roleAliases[role]; ok {
		role = full
	}
	user, err := c.user(userTok)
	if err != nil {
		return Reply{}, err
	}
	inc, err := r.svc.AssignRole(ctx, c.number, c.actor, role, user, c.cause())
	if err != nil {
		return Reply{}, err
	}
	return changed(inc, "%s is now %s of %s.", inc.Roles[role], role, inc.Key()), nil
}

// runEdit: edit title|summary|impact|service TEXT. An empty TEXT ("")
// clears the summary, impact or service.
func runEdit(ctx context.Context, r *Router, c *call) (Reply, error) {
	if len(c.args) == 0 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "name the field to change and its new text")
	}
	field, err := bot.ParseTextField(c.args[0].Text)
	if err != nil {
		return Reply{}, err
	}
	if len(c.args) == 1 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "give the new %s (\"\" clears it)", field)
	}
	inc, err := r.svc.SetField(ctx, c.inc.Number, c.actor, field, text(c.args[1:]))
	if err != nil {
		return Reply{}, err
	}
	return changed(inc, "Changed the %s of %s%s.", field, inc.Key(), c.who()), nil
}

// runTime: time FIELD TIME|now|none.
func runTime(ctx context.Context, r *Router, c *call) (Reply, error) {
	if len(c.args) < 2 || len(c.args) > 3 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "name the time to change and its new value")
	}
	field, err := bot.ParseTimeField(c.args[0].Text)
	if err != nil {
		return Reply{}, err
	}
	t, err := ParseTime(text(c.args[1:]), r.now()) // "2026-11-22 10:05" is two words
	if err != nil {
		return Reply{}, err
	}
	inc, err := r.svc.SetTime(ctx, c.inc.Number, c.actor, field, t)
	if err != nil {
		return Reply{}, err
	}
	if t.IsZero() {
		return changed(inc, "Cleared the %s time of %s%s.", field, inc.Key(), c.who()), nil
	}
	return changed(inc, "Set the %s time of %s to %s%s.", field, inc.Key(), t.UTC().Format(timeLayout), c.who()), nil
}
