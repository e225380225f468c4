package discord

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// The forms' inputs of the incident catalog (README.md, "Incident types,
// severities and fields"): the type, and a custom field's, whose custom id
// is fieldPrefix + its name.
const (
	inType      = "type"
	fieldPrefix = "field."
	// maxModalFields is how many fields a Discord modal holds.
	maxModalFields = 5
)

// catalog is what the forms offer: the configured types and fields.
type catalog struct {
	Types  []bot.IncidentType
	Fields []bot.FieldDef
}

func (d *Discord) catalog() catalog { return catalog{Types: d.svc.Types(), Fields: d.svc.Fields()} }

// sevValue is a severity as a select's value: sev2.
func sevValue(s bot.Severity) string { return "sev" + strconv.Itoa(int(s)) }

// typeChoice is the type select; false when no types are configured.
func (cat catalog) typeChoice() (label, bool) {
	if len(cat.Types) == 0 {
		return label{}, false
	}
	def := cat.Types[0].Name
	var opts []selectOption
	for _, t := range cat.Types {
		if t.Name == bot.DefaultType {
			def = t.Name
		}
		opts = append(opts, selectOption{Label: truncate(t.Name, 100), Value: t.Name, Description: truncate(t.Description, 100)})
	}
	return choice(inType, "Type", "", def, true, opts...), true
}

// fieldInputs are the custom fields a form asks for: at declare those
// required to declare first, then the others; at resolve those required
// to resolve that inc has not set.
func (cat catalog) fieldInputs(stage bot.FieldStage, inc *bot.Incident) (required, optional []label) {
	for _, f := range cat.Fields {
		need := f.RequiredAt(stage)
		if stage == bot.StageResolve && (!need || inc.Fields[f.Name] != "") {
			continue
		}
		if need {
			required = append(required, fieldInput(f, true))
		} else {
			optional = append(optional, fieldInput(f, false))
		}
	}
	return required, optional
}

func fieldInput(f bot.FieldDef, required bool) label {
	id := fieldPrefix + f.Name
	switch f.Kind {
	case bot.KindSelect:
		var opts []selectOption
		for _, o := range f.Options {
			opts = append(opts, selectOption{Label: truncate(o, 100), Value: o})
		}
		return choice(id, f.Title(), f.Description, "", required, opts...)
	case bot.KindUser:
		return input(id, f.Title(), "@name or a user id", "", false, required, 100)
	case bot.KindDate:
		return input(id, f.Title(), "2026-12-01", "", false, required, 25)
	case bot.KindNumber:
		return input(id, f.Title(), "A number, e.g. 12.5", "", false, required, 40)
	}
	return input(id, f.Title(), truncate(f.Description, 100), "", false, required, 1000)
}

// fit keeps the first maxModalFields of fields.
func fit(fields []label) []label { return fields[:min(len(fields), maxModalFields)] }

// fieldTokens are the --field NAME=VALUE flags of a submission's field
// inputs, by name.
func fieldTokens(v map[string]string) []commands.Token {
	var out []commands.Token
	for _, id := range slices.Sorted(maps.Keys(v)) {
		name, ok := strings.CutPrefix(id, fieldPrefix)
		if !ok || strings.TrimSpace(v[id]) == "" {
			continue
		}
		out = append(out, commands.Token{Kind: commands.Flag, Name: "field", Value: name + "=" + strings.TrimSpace(v[id]), HasValue: true})
	}
	return out
}

// severityChoices are the severities as slash command choices: the
// configured name (and description) shown, sevN sent.
func severityChoices() []*discordgo.ApplicationCommandOptionChoice {
	var out []*discordgo.ApplicationCommandOptionChoice
	for _, s := range bot.Severities {
		name := s.String()
		if d := s.Description(); d != "" {
			name += ": " + d
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: truncate(name, 100), Value: sevValue(s)})
	}
	return out
}
