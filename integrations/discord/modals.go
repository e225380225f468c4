package discord

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// Modal custom ids ("<form>|INC-42" for an incident's), and the custom ids
// of their inputs.
const (
	formDeclare = "warroom_declare"
	formUpdate  = "warroom_update"
	formResolve = "warroom_resolve"

	inTitle    = "title"
	inSeverity = "severity"
	inService  = "service"
	inSummary  = "summary"
	inStatus   = "status"
	inText     = "text"
)

// modal is a modal answer: its fields, each a Label holding one
// component (modal_components.go).
func modal(id, title string, fields ...label) *discordgo.InteractionResponse {
	rows := make([]discordgo.MessageComponent, 0, len(fields))
	for _, f := range fields {
		rows = append(rows, f)
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: id, Title: truncate(title, 45), Components: rows,
	}}
}

// input is a text field.
func input(id, name, placeholder, value string, long, required bool, maxLen int) label {
	style := discordgo.TextInputShort
	if long {
		style = discordgo.TextInputParagraph
	}
	return label{Label: name, Component: labelInput{CustomID: id, Style: style, Placeholder: placeholder, Value: value, Required: required, MaxLength: maxLen}}
}

// choice is a select field of options, def chosen at first.
func choice(id, name, description string, def string, required bool, options ...selectOption) label {
	for i := range options {
		options[i].Default = options[i].Value == def
	}
	return label{Label: name, Description: description, Component: stringSelect{CustomID: id, Options: options, Required: required}}
}

// severityChoice is the severity select, def chosen at first.
func severityChoice(def bot.Severity) label {
	about := map[bot.Severity]string{
		bot.SEV1: "Critical: a complete outage or data loss",
		bot.SEV2: "Major: a core function degraded for many",
		bot.SEV3: "Minor: degraded for some, a workaround exists",
		bot.SEV4: "Low: cosmetic or no customer impact",
	}
	var opts []selectOption
	for _, sev := range bot.Severities {
		d := sev.Description()
		if d == "" {
			d = about[sev]
		}
		opts = append(opts, selectOption{Label: sev.String(), Value: sevValue(sev), Description: truncate(d, 100)})
	}
	return choice(inSeverity, "Severity", "", sevValue(def), true, opts...)
}

// declareModal is the declare form: title, severity and type, the fields
// required to declare, then service, description and the other fields,
// as many as a modal holds (maxModalFields; /incident field sets the rest).
func declareModal(cat catalog) *discordgo.InteractionResponse {
	fields := []label{input(inTitle, "Title", "Checkout latency above SLO", "", false, true, bot.MaxTitleLen), severityChoice(bot.SEV3)}
	if t, ok := cat.typeChoice(); ok {
		fields = append(fields, t)
	}
	required, optional := cat.fieldInputs(bot.StageDeclare, nil)
	fields = append(fields, required...)
	fields = append(fields,
		input(inService, "Service", "checkout", "", false, false, bot.MaxNameLen),
		input(inSummary, "Description", "What is happening, who is affected", "", true, false, 2900))
	return modal(formDeclare, "Declare an incident", fit(append(fields, optional...))...)
}

// updateModal is the status update form of inc: the status is a select,
// the current one chosen.
func updateModal(inc *bot.Incident) *discordgo.InteractionResponse {
	var opts []selectOption
	for _, st := range []bot.Status{bot.StatusInvestigating, bot.StatusIdentified, bot.StatusMonitoring} {
		opts = append(opts, selectOption{Label: st.Label(), Value: string(st)})
	}
	return modal(formUpdate+"|"+inc.Key(), "Post an update on "+inc.Key(),
		choice(inStatus, "Status", "Leave it to keep the status as it is", string(inc.Status), false, opts...),
		input(inText, "Update", "What changed, what is next", "", true, true, 2900),
	)
}

// resolveModal is the resolve form of inc.
// It asks for the fields required to resolve that inc has not set.
func resolveModal(inc *bot.Incident, cat catalog) *discordgo.InteractionResponse {
	required, _ := cat.fieldInputs(bot.StageResolve, inc)
	fields := append([]label{input(inSummary, "Summary", "What fixed it", "", true, false, 2900)}, required...)
	return modal(formResolve+"|"+inc.Key(), "Resolve "+inc.Key(), fit(fields)...)
}

// formModal is the modal a button's form names, or nil.
func formModal(form string, inc *bot.Incident, cat catalog) *discordgo.InteractionResponse {
	switch form {
	case "update":
		return updateModal(inc)
	case "resolve":
		return resolveModal(inc, cat)
	}
	return nil
}

// submission writes the command a submitted modal stands for. Every value
// is quoted as one word, so nothing a person types becomes a flag or a key.
func submission(data discordgo.ModalSubmitInteractionData) (string, error) {
	v := map[string]string{}
	for _, row := range data.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			if ti, ok := c.(*discordgo.TextInput); ok {
				v[ti.CustomID] = strings.TrimSpace(ti.Value)
			}
		}
	}
	word := func(s string) commands.Token {
		return commands.Token{Kind: commands.Word, Text: s, Value: s, Quoted: true}
	}
	plain := func(s string) commands.Token { return commands.Token{Kind: commands.Word, Text: s, Value: s} }
	flag := func(name, val string) commands.Token {
		return commands.Token{Kind: commands.Flag, Name: name, Value: val, HasValue: true}
	}
	form, key, _ := strings.Cut(data.CustomID, "|")
	switch form {
	case formDeclare:
		toks := []commands.Token{plain("declare")}
		if sev := strings.TrimSpace(v[inSeverity]); sev != "" {
			parsed, err := bot.ParseSeverity(sev) // a select's value, or typed: never a flag or a key
			if err != nil {
				return "", err
			}
			toks = append(toks, plain(sevValue(parsed)))
		}
		toks = append(toks, word(v[inTitle]))
		if v[inService] != "" {
			toks = append(toks, flag("service", v[inService]))
		}
		if v[inSummary] != "" {
			toks = append(toks, flag("summary", v[inSummary]))
		}
		if v[inType] != "" {
			toks = append(toks, flag("type", v[inType]))
		}
		return commands.Join(append(toks, fieldTokens(v)...)), nil
	case formUpdate, formResolve:
		if !bot.LooksLikeKey(key) {
			return "", fmt.Errorf("form %s carries no incident", form)
		}
		k := commands.Token{Kind: commands.Key, Value: key}
		if form == formResolve {
			toks := []commands.Token{plain("resolve"), k}
			if v[inSummary] != "" {
				toks = append(toks, word(v[inSummary]))
			}
			return commands.Join(append(toks, fieldTokens(v)...)), nil
		}
		toks := []commands.Token{plain("update"), k}
		if st := strings.ToLower(v[inStatus]); st != "" {
			toks = append(toks, flag("status", st))
		}
		return commands.Join(append(toks, word(v[inText]))), nil
	}
	return "", errNotOurs
}

// click runs the command a button carries, as the person who clicked: the
// Router checks what they may do as for typed text. A click on a card
// whose incident has moved on refreshes the card and says so; a button
// with a form opens its modal. The reply is posted in the room for all to
// see.
func (d *Discord) click(ctx context.Context, in *discordgo.Interaction) *discordgo.InteractionResponse {
	data := in.MessageComponentData()
	command, ok := strings.CutPrefix(data.CustomID, customPrefix)
	if !ok {
		return ephemeral("warroom does not know this button.")
	}
	if key := buttonKey(command); key != "" {
		n, _ := bot.ParseKey(key)
		inc, err := d.svc.Get(ctx, n)
		if err != nil {
			return errorResponse(err)
		}
		btn, ok := findButton(d.svc.Card(inc), command)
		if !ok {
			if err := d.svc.RefreshCard(ctx, inc.Number, Platform, 0); err != nil {
				d.log.Warn("refresh card", "incident", inc.Key(), "err", err)
			}
			d.poke()
			return ephemeral(fmt.Sprintf("%s has moved on (it is %s now); the card was out of date and has been refreshed. Check it and try again.", inc.Key(), inc.Status))
		}
		if m := formModal(btn.Form, inc, d.catalog()); m != nil {
			return m
		}
	}
	return d.run(ctx, in, command, true)
}

// buttonKey is the incident key a button's command names ("ack INC-42").
func buttonKey(command string) string {
	for _, f := range strings.Fields(command) {
		if bot.LooksLikeKey(f) {
			return f
		}
	}
	return ""
}

// findButton finds the button of m that runs command.
func findButton(m bot.Message, command string) (bot.Button, bool) {
	for _, b := range m.Buttons {
		if b.Command == command {
			return b, true
		}
	}
	return bot.Button{}, false
}
