package config

import (
	"bytes"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// View renders the effective configuration as `warroom config check` prints
// it: every key of the file with its effective value (defaults filled in,
// so it shows what warroom does), then every environment-only setting
// under its variable's name, secrets as <redacted>. It is written from the
// same tree and tags the file is read with, so it cannot drift from it.
func (c *Config) View() ([]byte, error) {
	root, err := viewSection(reflect.ValueOf(*c))
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	env := &yaml.Node{Kind: yaml.MappingNode}
	for _, v := range variables(reflect.ValueOf(*c)) {
		env.Content = append(env.Content, scalar(v.name), scalar(shown(v.value)))
	}
	keys := c.PagerDuty.ServiceKeys
	for _, name := range slices.Sorted(maps.Keys(keys)) {
		env.Content = append(env.Content, scalar(strings.TrimSpace(c.PagerDuty.Services[name])), scalar(keys[name].String()))
	}
	root.Content = append(root.Content, scalar("environment"), env)

	var buf bytes.Buffer
	if c.File != "" {
		fmt.Fprintf(&buf, "# effective configuration: defaults, then %s, then the environment\n", c.File)
	} else {
		buf.WriteString("# effective configuration: defaults, then the environment (no config file)\n")
	}
	buf.WriteString("# secrets show as <redacted>; unset ones as \"\"\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return buf.Bytes(), nil
}

// viewSection is a struct's keys, in order, as a mapping.
func viewSection(v reflect.Value) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, f := range fields(v.Type()) {
		fv := v.Field(f.index)
		switch {
		case f.inline:
			in, err := viewSection(fv)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, in.Content...)
			continue
		case f.key == "", f.omitEmpty && isEmpty(fv):
			continue
		}
		var val *yaml.Node
		var err error
		if f.empty != "" && fv.IsZero() {
			val = scalar(f.empty)
		} else if val, err = viewValue(fv); err != nil {
			return nil, err
		}
		n.Content = append(n.Content, scalar(f.key), val)
	}
	return n, nil
}

// viewValue is one value as the file writes it. Empty lists and mappings
// show as [] and {}.
func viewValue(v reflect.Value) (*yaml.Node, error) {
	if l, ok := leafOf(v.Type()); ok {
		return encode(l.format(v))
	}
	switch v.Kind() {
	case reflect.Struct:
		return viewSection(v)
	case reflect.Slice:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for i := range v.Len() {
			item, err := viewValue(v.Index(i))
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, item)
		}
		return n, nil
	case reflect.Map:
		kl, _ := leafOf(v.Type().Key())
		m := map[string]*yaml.Node{} // yaml sorts the keys
		for it := v.MapRange(); it.Next(); {
			val, err := viewValue(it.Value())
			if err != nil {
				return nil, err
			}
			m[fmt.Sprint(kl.format(it.Key()))] = val
		}
		return encode(m)
	}
	return nil, fmt.Errorf("cannot show %s", v.Type()) // a bug in the tree
}

// isEmpty reports whether omitempty leaves v out: the zero value, or an
// empty list or mapping.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		return v.Len() == 0
	}
	return v.IsZero()
}

func encode(x any) (*yaml.Node, error) {
	var n yaml.Node
	if err := n.Encode(x); err != nil {
		return nil, err
	}
	return &n, nil
}

// scalar is a string node, quoted where YAML would read it as another type.
func scalar(s string) *yaml.Node {
	n, _ := encode(s) // a string always encodes
	return n
}

// shown is an environment setting as the view prints it: a secret redacted.
func shown(v reflect.Value) string {
	if s, ok := v.Interface().(fmt.Stringer); ok {
		return s.String()
	}
	if list, ok := v.Interface().([]string); ok {
		return strings.Join(list, ",") // as the variable is written
	}
	return v.String()
}
