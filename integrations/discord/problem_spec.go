package discord

import "github.com/bwmarrin/discordgo"

// /problem: the problem commands (commands/cmd_problem.go) with typed
// options. Their words start with "problem", as the command language
// writes them.

func problemKey() option {
	return option{name: "problem", desc: "The problem, e.g. PRB-3", kind: optWord, typ: discordgo.ApplicationCommandOptionString, required: true}
}

func incidentKey() option {
	return option{name: "incident", desc: "The incident, e.g. INC-42", kind: optIncident, typ: discordgo.ApplicationCommandOptionString, required: true}
}

var problemStatuses = []string{"open", "known-error", "resolved", "closed"}

// problemCommands are the subcommands of /problem.
var problemCommands = []subcommand{
	{[]string{"problem", "create"}, "Record a problem", []option{text("title", "The common cause, as far as known", true)}},
	{[]string{"problem", "list"}, "List problems", []option{boolean("all", "Resolved and closed ones too"), str("status", "Only these statuses, e.g. open,known-error", optFlag)}},
	{[]string{"problem", "show"}, "Show a problem", []option{problemKey()}},
	{[]string{"problem", "link"}, "Link an incident to a problem", []option{problemKey(), incidentKey()}},
	{[]string{"problem", "unlink"}, "Unlink an incident from a problem", []option{problemKey(), incidentKey()}},
	{[]string{"problem", "rootcause"}, "Record the root cause", []option{problemKey(), text("text", "The root cause", true)}},
	{[]string{"problem", "workaround"}, "Record a workaround", []option{problemKey(), text("text", "The workaround", true)}},
	{[]string{"problem", "status"}, "Move the problem's status", []option{problemKey(), {name: "status", desc: "The new status", kind: optWord, typ: discordgo.ApplicationCommandOptionString, required: true, choices: problemStatuses}}},
	{[]string{"problem", "owner"}, "Give the problem an owner", []option{problemKey(), user("user", "Who owns it", optUser, true)}},
	{[]string{"problem", "title"}, "Rename the problem", []option{problemKey(), text("title", "The new title", true)}},
	{[]string{"problem", "close"}, "Close the problem", []option{problemKey()}},
	{[]string{"problem", "action", "add"}, "Add an action item to a problem", []option{problemKey(), text("text", "What must be done", true),
		user("owner", "Who owns it", optUser, false), str("due", "Due date, e.g. 2026-12-24 or friday", optDue), str("kind", "Its kind", optFlag, "corrective", "preventive", "detective")}},
	{[]string{"problem", "action", "done"}, "Mark a problem's action item done", []option{problemKey(), {name: "n", desc: "The item's number", kind: optWord, typ: discordgo.ApplicationCommandOptionInteger, required: true}}},
	{[]string{"problem", "actions"}, "List a problem's action items", []option{problemKey()}},
}
