package jira

import (
	"strconv"

	"github.com/warroom/warroom/bot"
)

// mapped is a custom field's (or the type's) value for the Jira field the
// field map names: its text as warroom keeps it, and its kind, which
// decides the shape Jira's REST API takes for it.
type mapped struct {
	text string
	kind bot.FieldKind
}

// jira is the value as Jira takes it: a select option as {"value": …}, a
// number as a JSON number, anything else (text, a date as 2026-12-01, a
// user's chat name) as a string. A "" is null, which clears the field.
func (m mapped) jira() any {
	switch {
	case m.text == "":
		return nil
	case m.kind == bot.KindSelect:
		return map[string]string{"value": m.text}
	case m.kind == bot.KindNumber:
		if f, err := strconv.ParseFloat(m.text, 64); err == nil {
			return f
		}
	}
	return m.text
}

// plainValue is a field value as Jira answers it, in warroom's text: the
// option's value of a select, a number in its shortest form.
func plainValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case map[string]any:
		s, _ := x["value"].(string)
		return s
	}
	return ""
}

// mappedFields are the Jira field values of inc's custom fields and type
// under the field map (warroom name → Jira field id): "" for one not set.
func (j *Jira) mappedFields(inc *bot.Incident) map[string]mapped {
	if len(j.cfg.FieldMap) == 0 {
		return nil
	}
	kinds := map[string]bot.FieldKind{}
	for _, f := range j.svc.Fields() {
		kinds[f.Name] = f.Kind
	}
	out := make(map[string]mapped, len(j.cfg.FieldMap))
	for name, id := range j.cfg.FieldMap {
		if name == "type" {
			out[id] = mapped{text: inc.Type, kind: bot.KindText}
		} else {
			out[id] = mapped{text: inc.Fields[name], kind: kinds[name]}
		}
	}
	return out
}
