package commands

import (
	"context"
	"slices"
	"strings"

	"github.com/warroom/warroom/bot"
)

// Permissions say who may do what, by user as the platform names them
// (a Slack or Discord user id, a console name). A missing or empty list
// allows everyone, which is how a single team works by default.
type Permissions struct {
	Declare     map[bot.Severity][]string // who may declare, or raise an incident to, each severity
	Close       []string                  // who may close incidents
	EditTimes   []string                  // who may correct times (besides the commander rule)
	Maintenance []string                  // who may start and end maintenance windows
	SeePrivate  []string                  // who sees every private incident, not only their own
}

// allows reports whether any of a person's names is on list; an empty
// list allows everyone.
func allows(list []string, names ...string) bool {
	if len(list) == 0 {
		return true
	}
	for _, user := range names {
		u := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(user), "@"))
		if u != "" && slices.ContainsFunc(list, func(p string) bool {
			return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(p), "@")) == u
		}) {
			return true
		}
	}
	return false
}

// permissionOf is the list a command needs, for the commands that need one
// whatever their arguments.
func (p Permissions) permissionOf(cmd string) (string, []string) {
	switch cmd {
	case "close":
		return "close incidents", p.Close
	case "time":
		return "edit incident times", p.EditTimes
	case "maintenance start", "maintenance end":
		return "manage maintenance windows", p.Maintenance
	}
	return "", nil
}

// declares checks that a person (by any of their names) may declare, or
// raise an incident to, sev.
func (p Permissions) declares(names []string, sev bot.Severity) error {
	if sev == 0 {
		sev = bot.SEV3
	}
	if !allows(p.Declare[sev], names...) {
		return bot.Errorf(bot.CodeForbidden, "you may not declare %s incidents here: ask one of %s", sev, strings.Join(p.Declare[sev], ", "))
	}
	return nil
}

// Identify finds the person behind a chat user: their e-mail address where
// the platform tells it (Slack), else "". Permissions and private
// incidents then know them by either name, so a list or a role naming
// alice@example.com covers her Slack account and her console sign-in.
type Identify func(ctx context.Context, platform, user string) string

// names are every name of the person who sent req.
func (r *Router) names(ctx context.Context, req Request) []string {
	names := []string{req.User}
	if r.cfg.Identify != nil && req.User != "" {
		if id := r.cfg.Identify(ctx, req.Platform, req.User); id != "" && !strings.EqualFold(id, req.User) {
			names = append(names, id)
		}
	}
	return names
}

// MayDeclare checks that user may declare an incident of severity sev (0:
// the default), as the configured permissions say (access.declare), for
// front-ends that declare without a command (the JSON API).
func (r *Router) MayDeclare(user string, sev bot.Severity) error {
	return r.cfg.Permissions.declares([]string{user}, sev)
}
