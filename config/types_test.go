package config

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

const catalogYAML = `
severity_names:
  sev1: {name: P1, description: Customers cannot use the product}
  sev2: {name: P2}
status_labels:
  triggered: New
incident_types:
  - name: default
  - name: security
    channel_prefix: sec
    severities: [sev1, sev2]   # always sevN: names are read after
    private: true
    ticket: true
    fields: {customer_impact: some}
custom_fields:
  - name: customer_impact
    kind: select
    options: [None, Some, All]
    required: declare
  - {name: cost, kind: number}
  - {name: reviewer, kind: user, required: close}
  - {name: due, kind: date}
  - {name: notes, kind: text}
`

func TestCatalogConfig(t *testing.T) {
	c, err := Load(writeFile(t, "w.yaml", catalogYAML), env())
	if err != nil {
		t.Fatal(err)
	}
	types := c.IncidentTypes()
	if len(types) != 2 || types[1].ChannelPrefix != "sec" || len(types[1].Severities) != 2 || types[1].Severities[1] != bot.SEV2 || !types[1].Private {
		t.Fatalf("types %+v", types)
	}
	fields := c.FieldDefs()
	if len(fields) != 5 || fields[0].Kind != bot.KindSelect || fields[0].Required != bot.StageDeclare || fields[2].Required != bot.StageClose {
		t.Fatalf("fields %+v", fields)
	}
	if lv := c.SeverityLevels(); lv[bot.SEV1].Name != "P1" || lv[bot.SEV1].Description == "" {
		t.Fatalf("severity names %+v", lv)
	}
	if c.StatusLabels[bot.StatusTriggered] != "New" {
		t.Fatalf("status labels %+v", c.StatusLabels)
	}
}

func TestCatalogConfigRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, errHas string
	}{
		{"unknown severity in a type", "incident_types:\n  - name: a\n    severities: [sev1, sev9]\n", `incident_types[0].severities[1]: "sev9" is not one of sev1, sev2, sev3, sev4`},
		{"select value not in options", "custom_fields:\n  - {name: impact, kind: select, options: [low, high]}\nincident_types:\n  - name: a\n    fields: {impact: huge}\n", `incident type "a": field impact is one of low, high; "huge" is not`},
		{"type field not configured", "incident_types:\n  - name: a\n    fields: {nope: x}\n", `field "nope" is not a configured field`},
		{"duplicate type", "incident_types:\n  - name: a\n  - name: a\n", `incident type "a" is defined twice`},
		{"duplicate field", "custom_fields:\n  - {name: x, kind: text}\n  - {name: x, kind: date}\n", `field "x" is defined twice`},
		{"duplicate option", "custom_fields:\n  - {name: x, kind: select, options: [a, A]}\n", `option "A" is empty or given twice`},
		{"unknown kind", "custom_fields:\n  - {name: x, kind: colour}\n", `kind "colour" is not one of text, number, select, user, date`},
		{"unknown stage", "custom_fields:\n  - {name: x, kind: text, required: ack}\n", `required "ack" is not declare, resolve or close`},
		{"duplicate severity name", "severity_names:\n  sev1: {name: P1}\n  sev2: {name: p1}\n", `severity name "p1" is used by both sev1 and sev2`},
		{"severity name without a name", "severity_names:\n  sev1: {description: bad}\n", "severity_names.sev1: a name is required"},
		{"duplicate status label", "status_labels:\n  triggered: New\n  acknowledged: new\n", "is used by both"},
		{"unknown status", "status_labels:\n  fixed: Done\n", `"fixed" is not a warroom status`},
		{"field map of an unknown field", "jira:\n  field_map: {nope: customfield_1}\n", "jira.field_map.nope: not a custom field"},
		{"missing template", "incident_types:\n  - name: a\n    postmortem_template: /nonexistent/pm.md\n", "incident_types[0].postmortem_template"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(writeFile(t, "w.yaml", tc.yaml), env())
			if err == nil || !strings.Contains(err.Error(), tc.errHas) {
				t.Fatalf("err = %v, want %q", err, tc.errHas)
			}
		})
	}
}
