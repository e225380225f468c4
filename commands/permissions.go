package commands

import (
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

// allows reports whether user is on list; an empty list allows everyone.
func allows(list []string, user string) bool {
	if len(list) == 0 {
		return true
	}
	u := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(user), "@"))
	return u != "" && slices.ContainsFunc(list, func(p string) bool {
		return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(p), "@")) == u
	})
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

// declares checks that user may declare, or raise an incident to, sev.
func (p Permissions) declares(user string, sev bot.Severity) error {
	if sev == 0 {
		sev = bot.SEV3
	}
	if !allows(p.Declare[sev], user) {
		return bot.Errorf(bot.CodeForbidden, "you may not declare %s incidents here: ask one of %s", sev, strings.Join(p.Declare[sev], ", "))
	}
	return nil
}
