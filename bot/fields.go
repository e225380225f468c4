package bot

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FieldKind is what a custom field holds.
type FieldKind string

// The kinds of custom field.
const (
	KindText   FieldKind = "text"
	KindNumber FieldKind = "number"
	KindSelect FieldKind = "select" // one of its Options
	KindUser   FieldKind = "user"   // a chat user, kept without its @
	KindDate   FieldKind = "date"   // a day, kept as 2026-12-01
)

// FieldKinds lists every kind.
var FieldKinds = []FieldKind{KindText, KindNumber, KindSelect, KindUser, KindDate}

// FieldStage is when a custom field must be set.
type FieldStage string

// The stages; a field required at one is required at every later one.
const (
	StageNone    FieldStage = ""
	StageDeclare FieldStage = "declare"
	StageResolve FieldStage = "resolve"
	StageClose   FieldStage = "close"
)

var stageOrder = []FieldStage{StageNone, StageDeclare, StageResolve, StageClose}

// FieldDef is one configured custom field (README.md, "Incident types,
// severities and fields").
type FieldDef struct {
	Name        string
	Label       string // how forms and cards name it; "": Name
	Description string
	Kind        FieldKind
	Options     []string   // a select's choices, in order
	Required    FieldStage // StageNone: optional
}

// Title is how people read the field's name.
func (f FieldDef) Title() string {
	if f.Label != "" {
		return f.Label
	}
	return f.Name
}

// RequiredAt reports whether the field must be set to reach stage.
func (f FieldDef) RequiredAt(stage FieldStage) bool {
	return f.Required != StageNone && slices.Index(stageOrder, f.Required) <= slices.Index(stageOrder, stage)
}

// maxFieldLen bounds a text field's value.
const maxFieldLen = 1000

func checkFields(defs []FieldDef) ([]FieldDef, error) {
	var out []FieldDef
	seen := map[string]bool{}
	for _, f := range defs {
		if err := checkCatalogName("field", f.Name); err != nil {
			return nil, err
		}
		if seen[f.Name] {
			return nil, fmt.Errorf("field %q is defined twice", f.Name)
		}
		seen[f.Name] = true
		if !slices.Contains(FieldKinds, f.Kind) {
			return nil, fmt.Errorf("field %q: kind %q is not one of text, number, select, user, date", f.Name, f.Kind)
		}
		if !slices.Contains(stageOrder, f.Required) {
			return nil, fmt.Errorf("field %q: required %q is not declare, resolve or close", f.Name, f.Required)
		}
		if f.Kind == KindSelect {
			if len(f.Options) == 0 {
				return nil, fmt.Errorf("field %q: a select needs options", f.Name)
			}
			opts := map[string]bool{}
			for _, o := range f.Options {
				k := strings.ToLower(strings.TrimSpace(o))
				if k == "" || opts[k] {
					return nil, fmt.Errorf("field %q: option %q is empty or given twice", f.Name, o)
				}
				opts[k] = true
			}
		} else if len(f.Options) > 0 {
			return nil, fmt.Errorf("field %q: only a select has options", f.Name)
		}
		f.Options = slices.Clone(f.Options)
		out = append(out, f)
	}
	return out, nil
}

// Fields lists the configured custom fields, in their order.
func (s *Service) Fields() []FieldDef { return slices.Clone(s.catalog.fields) }

func (c *catalog) field(name string) (FieldDef, bool) { return findDef(c.fields, name) }

// findField finds a field by name (any case) or an error listing the fields.
func (c *catalog) findField(name string) (FieldDef, error) {
	if f, ok := c.field(strings.ToLower(strings.TrimSpace(name))); ok {
		return f, nil
	}
	if len(c.fields) == 0 {
		return FieldDef{}, Errorf(CodeInvalid, "field %q: no custom fields are configured", SanitizeTitle(name, 40))
	}
	names := make([]string, len(c.fields))
	for i, f := range c.fields {
		names[i] = f.Name
	}
	return FieldDef{}, Errorf(CodeInvalid, "field %q is not one of %s", SanitizeTitle(name, 40), strings.Join(names, ", "))
}

// Normalize checks a value against the field's kind and returns its
// canonical form; "" stays "" (not set).
func (f FieldDef) Normalize(value string) (string, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return "", nil
	}
	switch f.Kind {
	case KindNumber:
		n, err := strconv.ParseFloat(strings.ReplaceAll(v, "_", ""), 64)
		if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
			return "", Errorf(CodeInvalid, "field %s is a number; %q is not one", f.Name, SanitizeTitle(v, 40))
		}
		return strconv.FormatFloat(n, 'f', -1, 64), nil
	case KindSelect:
		for _, o := range f.Options {
			if strings.EqualFold(strings.TrimSpace(o), v) {
				return o, nil
			}
		}
		return "", Errorf(CodeInvalid, "field %s is one of %s; %q is not", f.Name, strings.Join(f.Options, ", "), SanitizeTitle(v, 40))
	case KindUser:
		u := normalizeUser(v)
		if u == "" || strings.ContainsAny(u, " \t") {
			return "", Errorf(CodeInvalid, "field %s is a person, like @alice; %q is not one", f.Name, SanitizeTitle(v, 40))
		}
		return u, nil
	case KindDate:
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			t, terr := time.Parse(time.RFC3339, v)
			if terr != nil {
				return "", Errorf(CodeInvalid, "field %s is a date like 2026-12-01; %q is not one", f.Name, SanitizeTitle(v, 40))
			}
			d = t.UTC()
		}
		return d.Format(time.DateOnly), nil
	}
	return SanitizeText(v, maxFieldLen), nil
}

// normalizeFields checks the values given at declare: every name a field,
// every value of its kind.
func (c *catalog) normalizeFields(in map[string]string) (map[string]string, error) {
	vals, err := c.checkValues(in)
	if err != nil {
		return nil, err
	}
	var out map[string]string
	for _, fv := range vals {
		if fv.value == "" {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[fv.def.Name] = fv.value
	}
	return out, nil
}

func sortedFieldNames(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// missing returns the fields required at stage that inc has not set.
func (c *catalog) missing(inc *Incident, stage FieldStage) []FieldDef {
	var out []FieldDef
	for _, f := range c.fields {
		if f.RequiredAt(stage) && inc.Fields[f.Name] == "" {
			out = append(out, f)
		}
	}
	return out
}

// checkRequired refuses reaching stage while a field required there is
// unset, naming the fields and how to set them.
func (c *catalog) checkRequired(inc *Incident, stage FieldStage) error {
	miss := c.missing(inc, stage)
	if len(miss) == 0 {
		return nil
	}
	parts := make([]string, len(miss))
	for i, f := range miss {
		parts[i] = describeField(f)
	}
	if stage == StageDeclare {
		return Errorf(CodeInvalid, "declaring needs the field%s %s (--field NAME=VALUE, or the form)", pluralS(len(miss)), strings.Join(parts, ", "))
	}
	verb := map[FieldStage]string{StageResolve: "resolved", StageClose: "closed"}[stage]
	return Errorf(CodeConflict, "%s cannot be %s until the field%s %s %s set: /incident field NAME VALUE",
		inc.Key(), verb, pluralS(len(miss)), strings.Join(parts, ", "), map[bool]string{true: "is", false: "are"}[len(miss) == 1])
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// describeField names a field and what it takes: severity_reason (text),
// customer (select: none, some, all).
func describeField(f FieldDef) string {
	if f.Kind == KindSelect {
		return fmt.Sprintf("%s (one of %s)", f.Name, strings.Join(f.Options, ", "))
	}
	return fmt.Sprintf("%s (%s)", f.Name, f.Kind)
}

// stageOf is the stage a move to status reaches, StageNone for others.
func stageOf(to Status) FieldStage {
	switch to {
	case StatusResolved:
		return StageResolve
	case StatusClosed:
		return StageClose
	}
	return StageNone
}

// SetCustomField sets (or with "" clears) custom field name of an
// incident; the value is checked against the field's kind. A field
// required at declare cannot be cleared.
func (s *Service) SetCustomField(ctx context.Context, number int64, actor, name, value string) (*Incident, error) {
	actor = normalizeUser(actor)
	f, err := s.catalog.findField(name)
	if err != nil {
		return nil, err
	}
	v, err := f.Normalize(value)
	if err != nil {
		return nil, err
	}
	return s.mutate(ctx, Cause{}, number, actor, "field", func(c *change) error {
		if c.inc.Fields[f.Name] == v {
			return Errorf(CodeConflict, "%s already has %s %s", c.inc.Key(), f.Name, orNone(v))
		}
		return c.setField(f, v)
	})
}

// setField sets field f of the change's incident to the normalized v ("":
// clear) and records it; setting the value it has changes nothing.
func (c *change) setField(f FieldDef, v string) error {
	inc := c.inc
	if inc.Status == StatusClosed {
		return Errorf(CodeConflict, "%s is closed", inc.Key())
	}
	old := inc.Fields[f.Name]
	if old == v {
		return nil
	}
	if v == "" && (f.RequiredAt(StageDeclare) || !inc.Status.Open() && f.RequiredAt(stageOf(inc.Status))) {
		return Errorf(CodeInvalid, "field %s is required and cannot be cleared", f.Name)
	}
	if v == "" {
		delete(inc.Fields, f.Name)
		if len(inc.Fields) == 0 {
			inc.Fields = nil
		}
	} else {
		if inc.Fields == nil {
			inc.Fields = map[string]string{}
		}
		inc.Fields[f.Name] = v
	}
	c.record(EntryFieldChanged, fmt.Sprintf("%s: %s → %s", f.Title(), orNone(old), orNone(v)),
		map[string]string{"field": f.Name, "old": old, "new": v})
	return nil
}

// fieldValue is a checked value of a field.
type fieldValue struct {
	def   FieldDef
	value string
}

// checkValues checks values given by name, before any change, in name order.
func (c *catalog) checkValues(in map[string]string) ([]fieldValue, error) {
	var out []fieldValue
	for _, name := range sortedFieldNames(in) {
		f, err := c.findField(name)
		if err != nil {
			return nil, err
		}
		v, err := f.Normalize(in[name])
		if err != nil {
			return nil, err
		}
		out = append(out, fieldValue{def: f, value: v})
	}
	return out, nil
}

// cardFields are the card lines of inc's type and custom fields, fields
// by name.
func cardFields(inc *Incident) []Field {
	var out []Field
	if inc.Type != "" {
		out = append(out, Field{Label: "Type", Value: inc.Type})
	}
	for _, name := range sortedFieldNames(inc.Fields) {
		if v := inc.Fields[name]; v != "" {
			out = append(out, Field{Label: name, Value: v})
		}
	}
	return out
}

// labelFields names a card's custom field lines by their configured
// labels, in the configured order, after the type.
func (s *Service) labelFields(m Message) Message {
	if len(s.catalog.fields) == 0 {
		return m
	}
	pos := map[string]int{}
	for i, f := range s.catalog.fields {
		pos[f.Name] = i
	}
	var first = -1
	var custom []Field
	out := m.Fields[:0:0]
	for _, fl := range m.Fields {
		if i, ok := pos[fl.Label]; ok && fl.Link == "" {
			if first < 0 {
				first = len(out)
			}
			fl.Label = s.catalog.fields[i].Title()
			custom = append(custom, fl)
			continue
		}
		out = append(out, fl)
	}
	if first < 0 {
		return m
	}
	slices.SortStableFunc(custom, func(a, b Field) int {
		return titleOrder(s.catalog.fields, a.Label) - titleOrder(s.catalog.fields, b.Label)
	})
	m.Fields = append(out[:first:first], append(custom, out[first:]...)...)
	return m
}

func titleOrder(defs []FieldDef, title string) int {
	for i, f := range defs {
		if f.Title() == title {
			return i
		}
	}
	return len(defs)
}
