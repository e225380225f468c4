package config

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/postmortem"
)

// The incident catalog (README.md, "Incident types, severities and
// fields"):
//
//	severity_names:
//	  sev1: {name: P1, description: Customers cannot use the product}
//	status_labels:
//	  triggered: New
//	incident_types:
//	  - name: security
//	    channel_prefix: sec
//	    severities: [sev1, sev2]
//	    private: true
//	custom_fields:
//	  - name: customer_impact
//	    kind: select
//	    options: [None, Some, All]
//	    required: declare

// IncidentType is one entry of incident_types.
type IncidentType struct {
	Name          string            `yaml:"name"`
	Description   string            `yaml:"description,omitempty"`
	ChannelPrefix string            `yaml:"channel_prefix,omitempty"`
	Responders    []string          `yaml:"responders,omitempty"`
	Severities    []bot.Severity    `yaml:"severities,omitempty"` // none: every severity
	Postmortem    string            `yaml:"postmortem_template" empty:"(built in)"`
	Private       bool              `yaml:"private"`
	Ticket        bool              `yaml:"ticket"`
	Fields        map[string]string `yaml:"fields,omitempty"` // custom field values its incidents start with
	Text          string            // the postmortem template's content, read at start (not printed)
}

// Field is one entry of custom_fields.
type Field struct {
	Name        string   `yaml:"name"`
	Label       string   `yaml:"label,omitempty"`
	Description string   `yaml:"description,omitempty"`
	Kind        string   `yaml:"kind"`               // text, number, select, user, date
	Options     []string `yaml:"options,omitempty"`  // a select's choices
	Required    string   `yaml:"required,omitempty"` // declare, resolve, close; "": optional
}

// SeverityName is one entry of severity_names.
type SeverityName struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
}

// IncidentTypes are the types as the Service takes them.
func (c *Config) IncidentTypes() []bot.IncidentType {
	var out []bot.IncidentType
	for _, t := range c.Types {
		out = append(out, bot.IncidentType{
			Name: t.Name, Description: t.Description, ChannelPrefix: t.ChannelPrefix, Responders: t.Responders,
			Severities: t.Severities, Private: t.Private, Ticket: t.Ticket, Fields: t.Fields,
		})
	}
	return out
}

// FieldDefs are the custom fields as the Service takes them.
func (c *Config) FieldDefs() []bot.FieldDef {
	var out []bot.FieldDef
	for _, f := range c.Fields {
		out = append(out, bot.FieldDef{
			Name: f.Name, Label: f.Label, Description: f.Description, Kind: bot.FieldKind(strings.ToLower(f.Kind)),
			Options: f.Options, Required: bot.FieldStage(strings.ToLower(f.Required)),
		})
	}
	return out
}

// SeverityLevels are the severity names as bot.SetSeverityLevels takes them.
func (c *Config) SeverityLevels() map[bot.Severity]bot.SeverityLevel {
	if len(c.SeverityNames) == 0 {
		return nil
	}
	out := make(map[bot.Severity]bot.SeverityLevel, len(c.SeverityNames))
	for s, n := range c.SeverityNames {
		out[s] = bot.SeverityLevel{Name: n.Name, Description: n.Description}
	}
	return out
}

// checkCatalog checks the types, fields, severity names and status labels,
// and reads the types' postmortem templates.
func (c *Config) checkCatalog() []error {
	var errs []error
	if err := bot.CheckCatalog(c.IncidentTypes(), c.FieldDefs()); err != nil {
		errs = append(errs, fmt.Errorf("incident_types, custom_fields: %w", err))
	}
	for _, s := range slices.Sorted(maps.Keys(c.SeverityNames)) {
		if c.SeverityNames[s].Name == "" {
			errs = append(errs, fmt.Errorf("severity_names.%s: a name is required", sevKey(s)))
		}
	}
	if err := bot.CheckSeverityLevels(c.SeverityLevels()); err != nil {
		errs = append(errs, fmt.Errorf("severity_names: %w", err))
	}
	if err := bot.CheckStatusLabels(c.StatusLabels); err != nil {
		errs = append(errs, fmt.Errorf("status_labels: %w", err))
	}
	for _, m := range []struct {
		key string
		fm  map[string]string
	}{{"jira.field_map", c.Jira.FieldMap}, {"servicenow.field_map", c.ServiceNow.FieldMap}} {
		for _, name := range slices.Sorted(maps.Keys(m.fm)) {
			if name != "type" && !slices.ContainsFunc(c.Fields, func(f Field) bool { return f.Name == name }) {
				errs = append(errs, fmt.Errorf("%s.%s: not a custom field (custom_fields) or type", m.key, name))
			} else if strings.TrimSpace(m.fm[name]) == "" {
				errs = append(errs, fmt.Errorf("%s.%s: name the field it goes to", m.key, name))
			}
		}
	}
	for i := range c.Types {
		t := &c.Types[i]
		if t.Postmortem == "" {
			continue
		}
		key := fmt.Sprintf("incident_types[%d].postmortem_template", i)
		b, err := os.ReadFile(t.Postmortem)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
			continue
		}
		t.Text = string(b)
		if _, err := postmortem.New(postmortem.Config{Template: t.Text, Name: t.Postmortem}); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
		}
	}
	return errs
}
