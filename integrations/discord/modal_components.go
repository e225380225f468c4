package discord

import (
	"encoding/json"

	"github.com/bwmarrin/discordgo"
)

// Modal components discordgo v0.28.1 does not have. Discord's modals now
// wrap each field in a Label (component type 18), which may hold a text
// input (4) or a string select (3); v0.28.1 knows neither Labels nor
// selects in modals, so these are warroom's own structs. They satisfy
// discordgo.MessageComponent, so a modal is still a
// discordgo.InteractionResponse written as the interaction's HTTP answer.

// componentLabel is Discord's Label component type.
const componentLabel discordgo.ComponentType = 18

// label is a modal field: its label and description, and the one
// component it holds.
type label struct {
	Label       string
	Description string
	Component   discordgo.MessageComponent
}

func (label) Type() discordgo.ComponentType { return componentLabel }

func (l label) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type        discordgo.ComponentType    `json:"type"`
		Label       string                     `json:"label"`
		Description string                     `json:"description,omitempty"`
		Component   discordgo.MessageComponent `json:"component"`
	}{componentLabel, truncate(l.Label, 45), truncate(l.Description, 100), l.Component})
}

// stringSelect is a string select in a modal: one value of its options.
type stringSelect struct {
	CustomID    string
	Placeholder string
	Options     []selectOption
	Required    bool
}

// selectOption is one choice of a stringSelect.
type selectOption struct {
	Label       string `json:"label"`
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
	Default     bool   `json:"default,omitempty"`
}

func (stringSelect) Type() discordgo.ComponentType { return discordgo.SelectMenuComponent }

func (s stringSelect) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type        discordgo.ComponentType `json:"type"`
		CustomID    string                  `json:"custom_id"`
		Placeholder string                  `json:"placeholder,omitempty"`
		Options     []selectOption          `json:"options"`
		MinValues   int                     `json:"min_values"`
		MaxValues   int                     `json:"max_values"`
		Required    bool                    `json:"required"`
	}{discordgo.SelectMenuComponent, s.CustomID, s.Placeholder, s.Options, boolInt(s.Required), 1, s.Required})
}

// labelInput is a text input inside a Label (which carries its label).
type labelInput struct {
	CustomID    string
	Style       discordgo.TextInputStyle
	Placeholder string
	Value       string
	Required    bool
	MaxLength   int
}

func (labelInput) Type() discordgo.ComponentType { return discordgo.TextInputComponent }

func (t labelInput) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type        discordgo.ComponentType  `json:"type"`
		CustomID    string                   `json:"custom_id"`
		Style       discordgo.TextInputStyle `json:"style"`
		Placeholder string                   `json:"placeholder,omitempty"`
		Value       string                   `json:"value,omitempty"`
		Required    bool                     `json:"required"`
		MaxLength   int                      `json:"max_length,omitempty"`
	}{discordgo.TextInputComponent, t.CustomID, t.Style, t.Placeholder, t.Value, t.Required, t.MaxLength})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// submittedField is a field of a submitted modal, in either layout
// Discord sends: an action row of text inputs (the old one) or a Label
// holding a text input or a select.
type submittedField struct {
	Type       discordgo.ComponentType `json:"type"`
	CustomID   string                  `json:"custom_id"`
	Value      *string                 `json:"value"`
	Values     []string                `json:"values"`
	Component  *submittedField         `json:"component"`  // a Label's
	Components []submittedField        `json:"components"` // an action row's
}

// submittedModal is a modal submission's data.
type submittedModal struct {
	CustomID   string           `json:"custom_id"`
	Components []submittedField `json:"components"`
}

// values collects a submission's values by custom id: a text input's
// text, a select's chosen value (the first, when several were sent). A
// field nested deeper than a Label or an action row allows is ignored.
func (m submittedModal) values() map[string]string {
	out := map[string]string{}
	var walk func(f submittedField, depth int)
	walk = func(f submittedField, depth int) {
		if depth > 2 {
			return
		}
		switch {
		case f.Type == componentLabel && f.Component != nil:
			walk(*f.Component, depth+1)
		case f.Type == discordgo.ActionsRowComponent:
			for _, c := range f.Components {
				walk(c, depth+1)
			}
		case f.CustomID == "":
		case f.Type == discordgo.TextInputComponent && f.Value != nil:
			out[f.CustomID] = *f.Value
		case f.Type == discordgo.SelectMenuComponent && len(f.Values) > 0:
			out[f.CustomID] = f.Values[0]
		}
	}
	for _, f := range m.Components {
		walk(f, 0)
	}
	return out
}

// modalData is a submitted modal as discordgo's type: each value a text
// input in a row of its own, whatever the layout it came in.
func (m submittedModal) modalData() discordgo.ModalSubmitInteractionData {
	data := discordgo.ModalSubmitInteractionData{CustomID: m.CustomID}
	for id, v := range m.values() {
		data.Components = append(data.Components, &discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			&discordgo.TextInput{CustomID: id, Value: v},
		}})
	}
	return data
}
