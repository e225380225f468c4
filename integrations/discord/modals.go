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

func modal(id, title string, inputs ...discordgo.TextInput) *discordgo.InteractionResponse {
	var rows []discordgo.MessageComponent
	for _, in := range inputs {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{in}})
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: id, Title: truncate(title, 45), Components: rows,
	}}
}

func input(id, label, placeholder, value string, long, required bool, maxLen int) discordgo.TextInput {
	style := discordgo.TextInputShort
	if long {
		style = discordgo.TextInputParagraph
	}
	return discordgo.TextInput{CustomID: id, Label: label, Style: style, Placeholder: placeholder, Value: value, Required: required, MaxLength: maxLen}
}

// declareModal is the declare form. (discordgo v0.28.1 has no select
// menus in modals: the severity is typed, and checked by the Router.)
func declareModal() *discordgo.InteractionResponse {
	return modal(formDeclare, "Declare an incident",
		input(inTitle, "Title", "Checkout latency above SLO", "", false, true, bot.MaxTitleLen),
		input(inSeverity, "Severity (sev1 critical … sev4 low)", "sev3", "sev3", false, true, 4),
		input(inService, "Service", "checkout", "", false, false, bot.MaxNameLen),
		input(inSummary, "Description", "What is happening, who is affected", "", true, false, 2900),
	)
}

// updateModal is the status update form of inc.
func updateModal(inc *bot.Incident) *discordgo.InteractionResponse {
	return modal(formUpdate+"|"+inc.Key(), "Post an update on "+inc.Key(),
		input(inStatus, "Status (investigating, identified, monitoring)", string(inc.Status), string(inc.Status), false, false, 20),
		input(inText, "Update", "What changed, what is next", "", true, true, 2900),
	)
}

// resolveModal is the resolve form of inc.
func resolveModal(inc *bot.Incident) *discordgo.InteractionResponse {
	return modal(formResolve+"|"+inc.Key(), "Resolve "+inc.Key(),
		input(inSummary, "Summary", "What fixed it", "", true, false, 2900),
	)
}

// formModal is the modal a button's form names, or nil.
func formModal(form string, inc *bot.Incident) *discordgo.InteractionResponse {
	switch form {
	case "update":
		return updateModal(inc)
	case "resolve":
		return resolveModal(inc)
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
		if sev := strings.ToLower(v[inSeverity]); sev != "" {
			toks = append(toks, plain(sev))
		}
		toks = append(toks, word(v[inTitle]))
		if v[inService] != "" {
			toks = append(toks, flag("service", v[inService]))
		}
		if v[inSummary] != "" {
			toks = append(toks, flag("summary", v[inSummary]))
		}
		return commands.Join(toks), nil
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
			return commands.Join(toks), nil
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
		if m := formModal(btn.Form, inc); m != nil {
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
