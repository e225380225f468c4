package bot

import (
	"fmt"
	"slices"
	"strings"
)

// IncidentType is one kind of incident a deployment runs differently
// (README.md, "Incident types, severities and fields"): security,
// vendor-outage, ... Every field but Name is optional.
type IncidentType struct {
	Name        string
	Description string
	// ChannelPrefix starts the names of its incidents' channels
	// ("sec" → sec-42-title); "": inc.
	ChannelPrefix string
	// Responders are called into the room of every incident of the type,
	// besides the service's and the route's.
	Responders []string
	// Severities are the severities the type allows; empty: every one.
	Severities []Severity
	// Private makes its incidents private (README.md, "Access and private
	// incidents").
	Private bool
	// Ticket opens a ticket for every incident of the type, whatever its
	// severity (tickets.go).
	Ticket bool
	// Fields are custom field values its incidents start with, unless
	// the declaration gives others.
	Fields map[string]string
}

// DefaultType names the type an incident declared without one gets (and
// every incident an alert declares); when no type has this name, the first
// configured is the default.
const DefaultType = "default"

// catalog is the deployment's incident types and custom fields, checked.
type catalog struct {
	types  []IncidentType
	fields []FieldDef
}

// checkName refuses names that are not one lowercase word.
func checkCatalogName(what, name string) error {
	if name == "" {
		return fmt.Errorf("%s: a name is required", what)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fmt.Errorf("%s %q: a name is lowercase letters, digits, - and _", what, name)
		}
	}
	return nil
}

// CheckCatalog checks incident types and custom fields as NewService
// does, for the configuration's check.
func CheckCatalog(types []IncidentType, fields []FieldDef) error {
	_, err := newCatalog(types, fields)
	return err
}

func findDef(defs []FieldDef, name string) (FieldDef, bool) {
	for _, f := range defs {
		if f.Name == name {
			return f, true
		}
	}
	return FieldDef{}, false
}

func newCatalog(types []IncidentType, fields []FieldDef) (*catalog, error) {
	c := &catalog{}
	fs, err := checkFields(fields)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, t := range types {
		if err := checkCatalogName("incident type", t.Name); err != nil {
			return nil, err
		}
		if seen[t.Name] {
			return nil, fmt.Errorf("incident type %q is defined twice", t.Name)
		}
		seen[t.Name] = true
		for _, s := range t.Severities {
			if !s.Valid() {
				return nil, fmt.Errorf("incident type %q: severity %d is not one of 1..4", t.Name, int(s))
			}
		}
		if p := t.ChannelPrefix; p != "" && checkCatalogName("channel prefix", p) != nil {
			return nil, fmt.Errorf("incident type %q: channel prefix %q is lowercase letters, digits, - and _", t.Name, p)
		}
		for name, v := range t.Fields {
			f, ok := findDef(fs, name)
			if !ok {
				return nil, fmt.Errorf("incident type %q: field %q is not a configured field", t.Name, name)
			}
			if _, err := f.Normalize(v); err != nil {
				return nil, fmt.Errorf("incident type %q: %s", t.Name, ErrorMessage(err))
			}
		}
		t.Fields = cloneMap(t.Fields)
		t.Severities = slices.Clone(t.Severities)
		slices.Sort(t.Severities)
		t.Responders = slices.Clone(t.Responders)
		c.types = append(c.types, t)
	}
	c.fields = fs
	return c, nil
}

// Types lists the configured incident types, in their order.
func (s *Service) Types() []IncidentType { return slices.Clone(s.catalog.types) }

// Type finds a configured type by name.
func (s *Service) Type(name string) (IncidentType, bool) { return s.catalog.typ(name) }

func (c *catalog) typ(name string) (IncidentType, bool) {
	for _, t := range c.types {
		if t.Name == name {
			return t, true
		}
	}
	return IncidentType{}, false
}

// resolveType picks the type of a new incident: the one named, else the
// default. No types configured: "" (and naming one is an error).
func (c *catalog) resolveType(name string) (IncidentType, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if len(c.types) == 0 {
		if name != "" {
			return IncidentType{}, Errorf(CodeInvalid, "incident type %q: no incident types are configured", name)
		}
		return IncidentType{}, nil
	}
	if name == "" {
		if t, ok := c.typ(DefaultType); ok {
			return t, nil
		}
		return c.types[0], nil
	}
	if t, ok := c.typ(name); ok {
		return t, nil
	}
	names := make([]string, len(c.types))
	for i, t := range c.types {
		names[i] = t.Name
	}
	return IncidentType{}, Errorf(CodeInvalid, "incident type %q is not one of %s", name, strings.Join(names, ", "))
}

// allows reports whether t allows sev, with the allowed ones for an error.
func (t IncidentType) allows(sev Severity) error {
	if len(t.Severities) == 0 || slices.Contains(t.Severities, sev) {
		return nil
	}
	names := make([]string, len(t.Severities))
	for i, s := range t.Severities {
		names[i] = s.String()
	}
	return Errorf(CodeInvalid, "a %s incident cannot be %s; it is one of %s", t.Name, sev, strings.Join(names, ", "))
}

// opensTicket reports whether inc's type opens a ticket whatever its severity.
func (c *catalog) opensTicket(inc *Incident) bool {
	t, ok := c.typ(inc.Type)
	return ok && t.Ticket
}

// ChannelPrefix is the prefix of the channels of inc's type ("inc" when
// the type sets none).
func (s *Service) ChannelPrefix(inc *Incident) string {
	if t, ok := s.catalog.typ(inc.Type); ok && t.ChannelPrefix != "" {
		return t.ChannelPrefix
	}
	return "inc"
}

// addResponders appends the responders of more not yet in rs.
func addResponders(rs, more []string) []string {
	for _, r := range more {
		if !slices.Contains(rs, r) {
			rs = append(rs, r)
		}
	}
	return rs
}
