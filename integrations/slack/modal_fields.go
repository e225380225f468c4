package slack

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// The declare and resolve forms' inputs of the incident catalog (README.md,
// "Incident types, severities and fields"): the type, and one input per
// custom field, whose block and action id is fieldPrefix + its name.
const (
	inType      = "type"
	fieldPrefix = "field."
)

// catalog is what the forms offer: the configured types and fields.
type catalog struct {
	Types  []bot.IncidentType
	Fields []bot.FieldDef
}

func (s *Slack) catalog() catalog { return catalog{Types: s.svc.Types(), Fields: s.svc.Fields()} }

// severityOption is a severity as the declare form offers it: its name and
// its description (the built-in words when none is configured).
func severityOption(sev bot.Severity) *slack.OptionBlockObject {
	value := "sev" + strconv.Itoa(int(sev))
	d := sev.Description()
	if d == "" && strings.EqualFold(sev.String(), value) {
		d = defaultSevWords[sev]
	}
	label := sev.String()
	if d != "" {
		label += ": " + d
	}
	return option(value, truncate(label, 75))
}

// defaultSevWords describe the built-in severities when none are configured.
var defaultSevWords = map[bot.Severity]string{bot.SEV1: "critical", bot.SEV2: "major", bot.SEV3: "minor", bot.SEV4: "low"}

// sortedIDs are a submission's input ids in order.
func sortedIDs(v map[string]string) []string { return slices.Sorted(maps.Keys(v)) }

// typeInput is the type select; nil when no types are configured.
func (cat catalog) typeInput() slack.Block {
	if len(cat.Types) == 0 {
		return nil
	}
	var opts []*slack.OptionBlockObject
	for _, t := range cat.Types {
		label := t.Name
		if t.Description != "" {
			label += ": " + t.Description
		}
		opts = append(opts, option(t.Name, truncate(label, 75)))
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Type"), inType, opts...)
	sel.InitialOption = opts[0]
	for i, t := range cat.Types {
		if t.Name == bot.DefaultType {
			sel.InitialOption = opts[i]
		}
	}
	return input(inType, "Type", sel, false)
}

// fieldInputs are the inputs of the fields a form asks for: at declare
// every field (those required then not optional); at resolve those
// required to resolve that inc has not set.
func (cat catalog) fieldInputs(stage bot.FieldStage, inc *bot.Incident) []slack.Block {
	var out []slack.Block
	for _, f := range cat.Fields {
		if stage == bot.StageResolve && (!f.RequiredAt(stage) || inc.Fields[f.Name] != "") {
			continue
		}
		out = append(out, fieldInput(f, !f.RequiredAt(stage)))
	}
	return out
}

func fieldInput(f bot.FieldDef, optional bool) slack.Block {
	id := fieldPrefix + f.Name
	var el slack.BlockElement
	switch f.Kind {
	case bot.KindSelect:
		var opts []*slack.OptionBlockObject
		for _, o := range f.Options {
			opts = append(opts, option(o, truncate(o, 75)))
		}
		el = slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(f.Title()), id, opts...)
	case bot.KindUser:
		el = slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("Choose a person"), id)
	case bot.KindDate:
		el = slack.NewDatePickerBlockElement(id)
	case bot.KindNumber:
		el = textInput(id, "A number, e.g. 12.5", false, 40)
	default:
		el = textInput(id, f.Description, false, 1000)
	}
	b := input(id, f.Title(), el, optional)
	if f.Description != "" && f.Kind != bot.KindText {
		b.Hint = plain(f.Description)
	}
	return b
}

// fieldTokens are the --field NAME=VALUE flags of a submission's field
// inputs, by name.
func fieldTokens(v map[string]string) []commands.Token {
	var out []commands.Token
	for _, id := range sortedIDs(v) {
		name, ok := strings.CutPrefix(id, fieldPrefix)
		if !ok || strings.TrimSpace(v[id]) == "" {
			continue
		}
		out = append(out, commands.Token{Kind: commands.Flag, Name: "field", Value: name + "=" + strings.TrimSpace(v[id]), HasValue: true})
	}
	return out
}
