package discord

import (
	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// How an option's value goes into the command text.
type optKind int

const (
	optKey      optKind = iota // the incident key, right after the command name
	optWord                    // one word, in its place
	optText                    // free text, quoted as one word
	optFlag                    // --name=value
	optBool                    // --name when true
	optUser                    // a mention of the user picked
	optUserArg                 // --name=<@user>
	optDue                     // due:DATE
	optIncident                // an incident key, in its place (problem link)
)

// option is one typed option of a subcommand.
type option struct {
	name, desc string
	kind       optKind
	typ        discordgo.ApplicationCommandOptionType
	required   bool
	choices    []string
}

// subcommand is one subcommand of /incident: its words in the command
// language and its options, in the order their values are written.
type subcommand struct {
	words []string // "action", "add"
	desc  string
	opts  []option
}

func key() option {
	return option{name: "incident", desc: "The incident, e.g. INC-42 (inside its room: that one)", kind: optKey, typ: discordgo.ApplicationCommandOptionString}
}

func text(name, desc string, required bool) option {
	return option{name: name, desc: desc, kind: optText, typ: discordgo.ApplicationCommandOptionString, required: required}
}

func str(name, desc string, kind optKind, choices ...string) option {
	return option{name: name, desc: desc, kind: kind, typ: discordgo.ApplicationCommandOptionString, choices: choices}
}

func boolean(name, desc string) option {
	return option{name: name, desc: desc, kind: optBool, typ: discordgo.ApplicationCommandOptionBoolean}
}

func user(name, desc string, kind optKind, required bool) option {
	return option{name: name, desc: desc, kind: kind, typ: discordgo.ApplicationCommandOptionUser, required: required}
}

var (
	severities = []string{"sev1", "sev2", "sev3", "sev4"}
	statuses   = []string{"investigating", "identified", "monitoring", "resolved", "closed"}
)

// incidentCommands are the subcommands of /incident: the command language
// of the console and Slack, with typed options.
var incidentCommands = []subcommand{
	{[]string{"declare"}, "Declare an incident (no options: a form)", []option{
		str("severity", "How bad", optWord, severities...),
		text("title", "What is wrong", false),
		str("service", "The service affected", optFlag),
		boolean("private", "A private thread, not announced"),
		text("summary", "What is happening, who is affected", false),
		user("commander", "Who leads", optUserArg, false),
		str("type", "The incident type", optFlag),
		str("field", "A custom field, NAME=VALUE (more: /incident field)", optFlag),
	}},
	{[]string{"ack"}, "Acknowledge the incident", []option{key()}},
	{[]string{"status"}, "Move the incident's status", []option{{name: "status", desc: "The new status", kind: optWord, typ: discordgo.ApplicationCommandOptionString, required: true, choices: statuses}, key()}},
	{[]string{"sev"}, "Change the severity", []option{{name: "severity", desc: "The new severity", kind: optWord, typ: discordgo.ApplicationCommandOptionString, required: true, choices: []string{"1", "2", "3", "4"}}, key()}},
	{[]string{"update"}, "Post a status update", []option{text("text", "What changed, what is next", true), str("status", "Move the status too", optFlag, statuses[:4]...), key()}},
	{[]string{"note"}, "Add a note to the timeline", []option{text("text", "The note", true), key()}},
	{[]string{"role"}, "Give a role to someone", []option{{name: "role", desc: "The role, e.g. commander", kind: optWord, typ: discordgo.ApplicationCommandOptionString, required: true}, user("user", "Who", optUser, true), key()}},
	{[]string{"resolve"}, "Resolve the incident", []option{text("summary", "What fixed it", false), key()}},
	{[]string{"close"}, "Close the incident for good", []option{key()}},
	{[]string{"reopen"}, "Reopen a resolved incident", []option{key()}},
	{[]string{"list"}, "List incidents", []option{boolean("all", "Closed ones too"), str("status", "Only these statuses, e.g. triggered,acknowledged", optFlag)}},
	{[]string{"show"}, "Show the incident's card", []option{key()}},
	{[]string{"timeline"}, "Show the incident's timeline", []option{key()}},
	{[]string{"page"}, "Page a service's on-call or a person", []option{str("service", "The PagerDuty service", optWord), user("user", "Or a person", optUser, false), text("message", "What to say", false), key()}},
	{[]string{"ticket"}, "Create or show the incident's ticket", []option{key()}},
	{[]string{"action", "add"}, "Add an action item", []option{text("text", "What must be done", true), user("owner", "Who owns it", optUser, false), str("due", "Due date, e.g. 2026-12-24 or friday", optDue), str("kind", "Its kind", optFlag, "corrective", "preventive", "detective"), key()}},
	{[]string{"action", "done"}, "Mark an action item done", []option{{name: "n", desc: "The item's number", kind: optWord, typ: discordgo.ApplicationCommandOptionInteger, required: true}, key()}},
	{[]string{"action", "list"}, "List action items", []option{boolean("mine", "Mine only"), boolean("overdue", "Overdue only"), boolean("open", "Open only")}},
	{[]string{"postmortem"}, "Regenerate the postmortem draft", []option{key()}},
	{[]string{"digest"}, "Post a KPI digest now", []option{str("period", "The period", optWord, "7d", "30d")}},
	{[]string{"maintenance", "start"}, "Start a maintenance window", []option{
		{name: "duration", desc: "How long, e.g. 2h", kind: optWord, typ: discordgo.ApplicationCommandOptionString, required: true},
		{name: "matchers", desc: "Which alerts, e.g. service=checkout", kind: optText, typ: discordgo.ApplicationCommandOptionString, required: true},
		text("reason", "Why", false), str("at", "Start later, e.g. 2026-12-01T22:00Z", optFlag)}},
	{[]string{"maintenance", "list"}, "List maintenance windows", nil},
	{[]string{"maintenance", "end"}, "End a maintenance window now", []option{{name: "n", desc: "The window's number", kind: optWord, typ: discordgo.ApplicationCommandOptionInteger, required: true}}},
}

// oncallCommand is /oncall.
var oncallCommand = subcommand{[]string{"oncall"}, "Who is on call", []option{str("schedule", "A schedule", optWord)}}

// Application command names.
const (
	cmdIncident    = "incident"
	cmdOncall      = "oncall"
	cmdProblem     = "problem"
	cmdAddTimeline = "Add to timeline" // the message command
)

// Commands are the application commands warroom installs: /incident with
// its subcommands (groups for action and maintenance), /oncall, /problem
// (problem_spec.go) and the message command "Add to timeline". `warroom
// discord register` writes them in one bulk overwrite. Severities are
// offered under their configured names; the type, when types are
// configured, as a choice.
func Commands(types ...bot.IncidentType) []*discordgo.ApplicationCommand {
	return []*discordgo.ApplicationCommand{
		chatCommand(cmdIncident, "Run an incident", incidentCommands, 0, types),
		{Name: cmdOncall, Description: oncallCommand.desc, Type: discordgo.ChatApplicationCommand, Options: options(oncallCommand.opts)},
		chatCommand(cmdProblem, "Manage problems: the causes behind incidents", problemCommands, 1, types),
		{Name: cmdAddTimeline, Type: discordgo.MessageApplicationCommand},
	}
}

// chatCommand builds a chat command from its subcommands, whose words
// after the first skip name a subcommand, or a group and a subcommand.
func chatCommand(name, desc string, subs []subcommand, skip int, types []bot.IncidentType) *discordgo.ApplicationCommand {
	cmd := &discordgo.ApplicationCommand{Name: name, Description: desc, Type: discordgo.ChatApplicationCommand}
	groups := map[string]*discordgo.ApplicationCommandOption{}
	for _, sc := range subs {
		words := sc.words[skip:]
		sub := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: words[len(words)-1], Description: sc.desc, Options: options(sc.opts)}
		catalogChoices(sub, types)
		if len(words) == 1 {
			cmd.Options = append(cmd.Options, sub)
			continue
		}
		g := groups[words[0]]
		if g == nil {
			g = &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: words[0], Description: words[0] + " commands"}
			groups[words[0]] = g
			cmd.Options = append(cmd.Options, g)
		}
		g.Options = append(g.Options, sub)
	}
	return cmd
}

// options lists a subcommand's options, required ones first as Discord
// asks.
func options(opts []option) []*discordgo.ApplicationCommandOption {
	var req, rest []*discordgo.ApplicationCommandOption
	for _, o := range opts {
		d := &discordgo.ApplicationCommandOption{Type: o.typ, Name: o.name, Description: o.desc, Required: o.required}
		for _, c := range o.choices {
			d.Choices = append(d.Choices, &discordgo.ApplicationCommandOptionChoice{Name: c, Value: c})
		}
		if o.required {
			req = append(req, d)
		} else {
			rest = append(rest, d)
		}
	}
	return append(req, rest...)
}

// catalogChoices gives a subcommand's severity options the configured
// names, and declare's type option the configured types (none: no type
// option).
func catalogChoices(sub *discordgo.ApplicationCommandOption, types []bot.IncidentType) {
	var keep []*discordgo.ApplicationCommandOption
	for _, o := range sub.Options {
		switch {
		case o.Name == "severity":
			o.Choices = severityChoices()
		case o.Name == "type" && sub.Name == "declare":
			if len(types) == 0 {
				continue
			}
			o.Choices = nil
			for _, t := range types {
				o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: t.Name, Value: t.Name})
			}
		}
		keep = append(keep, o)
	}
	sub.Options = keep
}
