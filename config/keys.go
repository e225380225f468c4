package config

import (
	"reflect"
	"slices"
	"strings"
	"unicode"
)

// field is one field of the configuration tree as the file, the
// environment and the view know it, from its tags:
//
//	Addr string `yaml:"addr" env:"WARROOM_ADDR"`   a key the environment overrides
//	Token Secret `env:"JIRA_TOKEN"`                 environment only (a secret)
//	Labels []string `yaml:"labels,omitempty"`      the view leaves it out when empty
//	Template string `yaml:"template" empty:"(built in)"`  the view's word for empty
//	Receivers Receivers `yaml:",inline"`            its keys are its parent's
//
// A field of this package's types without a yaml tag is no key (a value
// derived from the keys, such as a parsed cron schedule). A field of
// another package's type without one is keyed by its name in snake_case, so
// that bot.SLA's UpdateCadence is update_cadence.
type field struct {
	index     int
	key       string // YAML key; "" when the file does not set it
	env       string // environment variable; "" when the environment does not set it
	inline    bool
	omitEmpty bool
	empty     string
}

var ownPkg = reflect.TypeFor[Config]().PkgPath()

// fields lists the fields of struct type t that are keys, variables or
// inline sections, in their order.
func fields(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		f := field{index: i, env: sf.Tag.Get("env"), empty: sf.Tag.Get("empty")}
		tag, tagged := sf.Tag.Lookup("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		f.omitEmpty = slices.Contains(strings.Split(opts, ","), "omitempty")
		switch {
		case name == "-":
		case name != "":
			f.key = name
		case tagged:
			f.inline = slices.Contains(strings.Split(opts, ","), "inline")
		case t.PkgPath() != ownPkg:
			f.key = snakeCase(sf.Name)
		}
		if f.key != "" || f.env != "" || f.inline {
			out = append(out, f)
		}
	}
	return out
}

// keyIndex maps every key of struct type t, inline sections' included, to
// its field's index path, and lists the keys sorted.
func keyIndex(t reflect.Type) (map[string][]int, []string) {
	idx := map[string][]int{}
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for _, f := range fields(t) {
			at := append(slices.Clone(prefix), f.index)
			switch {
			case f.inline:
				walk(t.Field(f.index).Type, at)
			case f.key != "":
				idx[f.key] = at
			}
		}
	}
	walk(t, nil)
	keys := make([]string, 0, len(idx))
	for k := range idx {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return idx, keys
}

// snakeCase is a Go field name as a key: UpdateCadence → update_cadence.
func snakeCase(name string) string {
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// join is a key's path: "severities" + "sev1" → "severities.sev1".
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
