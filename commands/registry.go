package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/warroom/warroom/bot"
)

// incidentMode says whether a command acts on an incident.
type incidentMode int

const (
	noIncident    incidentMode = iota
	needsIncident              // an explicit key, else the channel's incident, else an error
	maybeIncident              // an explicit key, else the channel's incident, else none
)

// flagSpec declares one --flag of a command.
type flagSpec struct {
	name  string
	value bool // takes a value (--name value or --name=value); else boolean
}

// command is one registration: it routes, and help is generated from it.
type command struct {
	name     string   // "ack", or "action add" for a member of a group
	aliases  []string // other spellings of the last word of name
	usage    string   // the full usage line; "{roles}" becomes the deployment's roles
	summary  string   // one sentence for help
	incident incidentMode
	flags    []flagSpec
	repeats  []string                 // value flags that may be given more than once (args.multi)
	needs    func(cfg *Config) string // the not-configured sentence, "" when available
	run      func(ctx context.Context, r *Router, c *call) (Reply, error)
	reads    bool // only reads: allowed to a read-only caller
	// checksInTx says run uses only the incident's number (call.number,
	// 0 for the channel's incident) and passes call.cause to the change,
	// which reads the incident and checks the caller may see it: neither
	// an explicit key nor the channel is read first.
	checksInTx bool
}

// group is a command whose second word picks the subcommand (action add).
type group struct {
	name    string
	aliases []string
	def     string // subcommand when none is given
}

// groups are the two-word commands.
var groups = []group{
	{name: "action", aliases: []string{"actions"}, def: "list"},
	{name: "maintenance", aliases: []string{"maint"}, def: "list"},
	problemGroup,
}

// table is THE list of commands: Dispatch routes with it, and Help and
// "/incident help" are generated from it, in this order.
func table() []*command {
	cmds := []*command{
		{name: "declare", aliases: []string{"new"}, run: runDeclare,
			usage:   "/incident declare [sev1-4] TITLE [--sev S] [--type T] [--field NAME=VALUE]... [--service S] [--private] [--summary TEXT] [--impact TEXT] [--commander @user]",
			summary: "Declare an incident (SEV3 unless given); with no arguments, open the declare form.",
			flags: []flagSpec{{"service", true}, {"private", false}, {"summary", true}, {"impact", true},
				{"commander", true}, {"sev", true}, {"type", true}, {"field", true}},
			repeats: []string{"field"}},
		{name: "ack", aliases: []string{"acknowledge"}, incident: needsIncident, run: runAck, checksInTx: true,
			usage: "/incident ack", summary: "Acknowledge the incident."},
		{name: "status", incident: needsIncident, run: runStatus, checksInTx: true,
			usage:   "/incident status investigating|identified|monitoring|resolved|closed",
			summary: "Move the incident's status forward (resolved can go back to investigating)."},
		{name: "sev", aliases: []string{"severity"}, incident: needsIncident, run: runSev, checksInTx: true,
			usage: "/incident sev 1-4", summary: "Change the severity; the timeline records old and new."},
		{name: "update", incident: needsIncident, run: runUpdate, checksInTx: true, flags: []flagSpec{{"status", true}},
			usage:   "/incident update [--status S] TEXT",
			summary: "Post a status update in the channel and the announcement channel, optionally moving the status."},
		{name: "note", incident: needsIncident, run: runNote, checksInTx: true,
			usage: "/incident note TEXT", summary: "Add a note to the timeline only."},
		{name: "role", aliases: []string{"assign"}, incident: needsIncident, run: runRole, checksInTx: true,
			usage: "/incident role {roles} @user", summary: "Give a role to someone (@me for yourself)."},
		{name: "field", aliases: []string{"fields"}, incident: needsIncident, run: runField,
			usage:   "/incident field [NAME VALUE]",
			summary: "Set a custom field (\"\" clears it); with no arguments, list the fields and their values."},
		{name: "edit", incident: needsIncident, run: runEdit,
			usage: "/incident edit title|summary|impact|service TEXT", summary: "Change a field of the incident."},
		{name: "time", incident: needsIncident, run: runTime,
			usage:   "/incident time started|declared|acknowledged|mitigated|resolved|closed TIME|now|none",
			summary: "Correct one of the incident's times (2026-11-22T10:05Z, or 10:05 today UTC); the commander's job."},
		{name: "resolve", incident: needsIncident, run: runResolve, checksInTx: true,
			usage: "/incident resolve [SUMMARY] [--field NAME=VALUE]...", summary: "Resolve the incident, setting custom fields first if given."},
		{name: "close", incident: needsIncident, run: runClose, checksInTx: true,
			usage: "/incident close", summary: "Close the incident for good."},
		{name: "reopen", incident: needsIncident, run: runReopen, checksInTx: true,
			usage: "/incident reopen", summary: "Reopen a resolved incident."},
		{name: "list", reads: true, aliases: []string{"ls"}, run: runList, flags: []flagSpec{{"all", false}, {"status", true}},
			usage: "/incident list [--all | --status S[,S...]]", summary: "List incidents (open ones unless told)."},
		{name: "show", reads: true, aliases: []string{"info"}, incident: needsIncident, run: runShow,
			usage: "/incident show [INC-n]", summary: "Show the incident's card."},
		{name: "timeline", reads: true, incident: needsIncident, run: runTimeline,
			usage: "/incident timeline", summary: "Show the incident's timeline."},
		{name: "page", incident: maybeIncident, run: runPage, needs: needPager,
			usage: "/incident page SERVICE|@user [MESSAGE]", summary: "Page a service's on-call or a person through PagerDuty."},
		{name: "ticket", incident: needsIncident, run: runTicket, needs: needTicketer,
			usage: "/incident ticket", summary: "Create or show the incident's Jira or ServiceNow ticket."},
		{name: "action add", incident: needsIncident, run: runActionAdd, flags: []flagSpec{{"kind", true}},
			usage:   "/incident action add TEXT [@owner] [due:DATE] [--kind corrective|preventive|detective]",
			summary: "Add an action item (due:2026-12-01, due:tomorrow, due:+3d)."},
		{name: "action done", aliases: []string{"complete"}, incident: needsIncident, run: runActionDone,
			usage: "/incident action done N", summary: "Mark action item N done."},
		{name: "action list", reads: true, aliases: []string{"ls"}, incident: maybeIncident, run: runActionList,
			flags:   []flagSpec{{"mine", false}, {"overdue", false}, {"open", false}},
			usage:   "/incident action list [--mine] [--overdue] [--open]",
			summary: "List the incident's action items; outside an incident or with --mine/--overdue, across incidents."},
		{name: "postmortem", aliases: []string{"pm"}, incident: needsIncident, run: runPostmortem, needs: needPostmortem,
			usage: "/incident postmortem", summary: "Regenerate the postmortem draft."},
		{name: "digest", run: runDigest, needs: needDigester,
			usage: "/incident digest [7d|30d]", summary: "Post a KPI digest of the last period now."},
		{name: "maintenance start", run: runMaintenanceStart, needs: needMaintenance, flags: []flagSpec{{"comment", true}, {"at", true}},
			usage:   "/incident maintenance start DURATION MATCHERS... [REASON] [--at 2026-12-01T22:00Z]",
			summary: "Start a maintenance window: matching alerts are recorded, never paged (e.g. 2h service=payments env=~\"prod.*\")."},
		{name: "maintenance list", reads: true, aliases: []string{"ls"}, run: runMaintenanceList, needs: needMaintenance,
			usage: "/incident maintenance list", summary: "List active and upcoming maintenance windows."},
		{name: "maintenance end", run: runMaintenanceEnd, needs: needMaintenance,
			usage: "/incident maintenance end N", summary: "End maintenance window N now."},
		{name: "oncall", reads: true, incident: maybeIncident, run: runOnCall, needs: needOnCall,
			usage: "/oncall [SCHEDULE]", summary: "Who is on call (PagerDuty); in an incident's room, for its service first."},
		{name: "help", reads: true, aliases: []string{"?"}, run: runHelp,
			usage: "/incident help [COMMAND]", summary: "List the commands, or explain one."},
	}
	// The /problem group goes before /oncall and help (cmd_problem.go).
	at := len(cmds) - 2
	return append(cmds[:at], append(problemCommands(), cmds[at:]...)...)
}

// registry indexes the table.
type registry struct {
	cmds   []*command
	byName map[string]*command // every name and alias, "action add" style for groups
	groups map[string]group    // every group name and alias
}

func newRegistry(cmds []*command, roles []string) (*registry, error) {
	reg := &registry{cmds: cmds, byName: map[string]*command{}, groups: map[string]group{}}
	for _, g := range groups {
		for _, n := range append([]string{g.name}, g.aliases...) {
			if _, dup := reg.groups[n]; dup {
				return nil, fmt.Errorf("command group %q registered twice", n)
			}
			reg.groups[n] = g
		}
	}
	for _, c := range cmds {
		c.usage = strings.ReplaceAll(c.usage, "{roles}", strings.Join(roles, "|"))
		if c.run == nil || c.usage == "" || c.summary == "" {
			return nil, fmt.Errorf("command %q: run, usage and summary are required", c.name)
		}
		head, _, inGroup := strings.Cut(c.name, " ")
		if _, ok := reg.groups[head]; ok != inGroup {
			return nil, fmt.Errorf("command %q: group %q is not declared", c.name, head)
		}
		names := []string{c.name}
		for _, a := range c.aliases {
			if inGroup {
				a = head + " " + a
			}
			names = append(names, a)
		}
		for _, n := range names {
			if _, dup := reg.byName[n]; dup {
				return nil, fmt.Errorf("command name %q registered twice", n)
			}
			reg.byName[n] = c
		}
	}
	for _, g := range groups {
		if reg.byName[g.name+" "+g.def] == nil {
			return nil, fmt.Errorf("command group %q: default %q is not registered", g.name, g.def)
		}
	}
	return reg, nil
}

// lookup finds the command that toks start with and returns the tokens after
// its name.
func (reg *registry) lookup(toks []Token) (*command, []Token, error) {
	first := strings.ToLower(toks[0].Text)
	if toks[0].Kind != Word {
		return nil, nil, reg.unknown(toks[0].Text)
	}
	g, isGroup := reg.groups[first]
	if !isGroup {
		c, ok := reg.byName[first]
		if !ok {
			return nil, nil, reg.unknown(toks[0].Text)
		}
		return c, toks[1:], nil
	}
	if len(toks) == 1 || toks[1].Kind != Word {
		return reg.byName[g.name+" "+g.def], toks[1:], nil
	}
	sub := strings.ToLower(toks[1].Text)
	if c, ok := reg.byName[g.name+" "+sub]; ok {
		return c, toks[2:], nil
	}
	var lines []string
	for _, c := range reg.cmds {
		if strings.HasPrefix(c.name, g.name+" ") {
			lines = append(lines, c.usage)
		}
	}
	return nil, nil, bot.Errorf(bot.CodeInvalid, "unknown %s command %q%s; write one of:\n%s",
		g.name, bot.SanitizeTitle(toks[1].Text, 40), didYouMean(sub, reg.subNames(g.name)), strings.Join(lines, "\n"))
}

// unknown is the error for a first word that is no command.
func (reg *registry) unknown(word string) error {
	var names []string
	for _, c := range reg.cmds {
		head, _, _ := strings.Cut(c.name, " ")
		if !slices.Contains(names, head) {
			names = append(names, head)
		}
	}
	var all []string
	for n := range reg.byName {
		head, _, _ := strings.Cut(n, " ")
		all = append(all, head)
	}
	for n := range reg.groups {
		all = append(all, n)
	}
	return bot.Errorf(bot.CodeInvalid, "unknown command %q%s; commands: %s (write /incident help for more)",
		bot.SanitizeTitle(word, 40), didYouMean(strings.ToLower(word), all), strings.Join(names, ", "))
}

func (reg *registry) subNames(groupName string) []string {
	var out []string
	for n := range reg.byName {
		if sub, ok := strings.CutPrefix(n, groupName+" "); ok {
			out = append(out, sub)
		}
	}
	return out
}

// didYouMean suggests the candidate closest to word, if it is close.
func didYouMean(word string, candidates []string) string {
	best, bestD := "", 3
	slices.Sort(candidates)
	for _, c := range candidates {
		d := editDistance(word, c)
		limit := 2
		if len(c) <= 3 {
			limit = 1
		}
		if d <= limit && d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || best == word {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b, in runes; long
// inputs are not compared (they are never typos of a command name).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 32 || len(rb) > 32 {
		return 99
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// help renders the command list from the table.
func (reg *registry) help() string {
	var b strings.Builder
	b.WriteString("warroom commands. In an incident's channel they act on its incident; elsewhere put the key after the command: /incident ack INC-42, /incident update INC-42 Failover done.\n")
	for _, c := range reg.cmds {
		b.WriteString("\n")
		b.WriteString(c.usage)
		if also := reg.aliasesOf(c); len(also) > 0 {
			b.WriteString("  (also: " + strings.Join(also, ", ") + ")")
		}
		b.WriteString("\n    ")
		b.WriteString(c.summary)
	}
	b.WriteString("\n\n@me means you. Quote text with \"double\" or 'single' quotes; due dates: due:2026-12-01, due:tomorrow, due:+3d.")
	return b.String()
}

// aliasesOf lists the other ways to write c.
func (reg *registry) aliasesOf(c *command) []string {
	head, sub, inGroup := strings.Cut(c.name, " ")
	if !inGroup {
		return slices.Clone(c.aliases)
	}
	var out []string
	g := reg.groups[head]
	for _, a := range c.aliases {
		out = append(out, g.name+" "+a)
	}
	for _, ga := range g.aliases {
		out = append(out, ga+" "+sub)
	}
	if g.def == sub {
		out = append(out, g.name)
	}
	return out
}

// commandHelp explains one command.
func (reg *registry) commandHelp(c *command) string {
	s := "usage: " + c.usage + "\n" + c.summary
	if also := reg.aliasesOf(c); len(also) > 0 {
		s += "\nalso: " + strings.Join(also, ", ")
	}
	if c.incident != noIncident {
		s += "\nOutside the incident's channel, put the key after the command, e.g. /incident " + c.name + " INC-42."
	}
	return s
}
