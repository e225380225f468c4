package console

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
)

// formCatalog is what the chat page's declare and resolve forms offer
// (static/console.js reads it as JSON): the severities under their names,
// the incident types and the custom fields (README.md, "Incident types,
// severities and fields").
type formCatalog struct {
	Severities []formSeverity `json:"severities"`
	Types      []formType     `json:"types"`
	Fields     []formField    `json:"fields"`
}

type formSeverity struct {
	Value       string `json:"value"` // sev2
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

type formType struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Default     bool   `json:"default,omitempty"`
}

type formField struct {
	Name        string   `json:"name"`
	Label       string   `json:"label"`
	Description string   `json:"description,omitempty"`
	Kind        string   `json:"kind"`
	Options     []string `json:"options,omitempty"`
	Required    string   `json:"required,omitempty"` // declare, resolve, close
}

func (c *Console) formCatalog() formCatalog {
	out := formCatalog{Severities: []formSeverity{}, Types: []formType{}, Fields: []formField{}}
	for _, s := range bot.Severities {
		out.Severities = append(out.Severities, formSeverity{Value: "sev" + strconv.Itoa(int(s)), Name: s.String(), Description: s.Description()})
	}
	types := c.svc.Types()
	for i, t := range types {
		out.Types = append(out.Types, formType{Name: t.Name, Description: t.Description,
			Default: t.Name == bot.DefaultType || i == 0 && !hasDefault(types)})
	}
	for _, f := range c.svc.Fields() {
		out.Fields = append(out.Fields, formField{Name: f.Name, Label: f.Title(), Description: f.Description,
			Kind: string(f.Kind), Options: f.Options, Required: string(f.Required)})
	}
	return out
}

func hasDefault(types []bot.IncidentType) bool {
	for _, t := range types {
		if t.Name == bot.DefaultType {
			return true
		}
	}
	return false
}

// fieldRow is a custom field on the incident page.
type fieldRow struct {
	Label, Value string
}

// fieldRows are inc's custom fields in the configured order, set or not.
func (c *Console) fieldRows(inc *bot.Incident) []fieldRow {
	var out []fieldRow
	for _, f := range c.svc.Fields() {
		out = append(out, fieldRow{Label: f.Title(), Value: inc.Fields[f.Name]})
	}
	return out
}

// listFilter is a type or custom field filter of the incident list.
type listFilter struct {
	Name, Label string
	Value       string
	Options     []option // a select's; none: a text input
}

// catalogFilters are the list's type and custom field filters, filled
// from q.
func (c *Console) catalogFilters(q bot.IncidentQuery) []listFilter {
	var out []listFilter
	if types := c.svc.Types(); len(types) > 0 {
		f := listFilter{Name: "type", Label: "Type", Value: strings.Join(q.Types, ","), Options: []option{{Value: "", Label: "any"}}}
		for _, t := range types {
			f.Options = append(f.Options, option{Value: t.Name, Label: t.Name, Selected: f.Value == t.Name})
		}
		out = append(out, f)
	}
	for _, def := range c.svc.Fields() {
		name := "field." + def.Name
		f := listFilter{Name: name, Label: def.Title(), Value: q.Fields[def.Name]}
		if def.Kind == bot.KindSelect {
			f.Options = []option{{Value: "", Label: "any"}}
			for _, o := range def.Options {
				f.Options = append(f.Options, option{Value: o, Label: o, Selected: strings.EqualFold(f.Value, o)})
			}
		}
		out = append(out, f)
	}
	return out
}

// catalogFiltered reports whether v filters by type or a custom field.
func catalogFiltered(v url.Values) bool {
	for k, vals := range v {
		if (k == "type" || strings.HasPrefix(k, "field.")) && strings.Join(vals, "") != "" {
			return true
		}
	}
	return false
}
