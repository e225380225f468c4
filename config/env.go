package config

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
)

// envReader reads variables through lookup (os.LookupEnv outside tests) and
// collects what is wrong with them.
type envReader struct {
	lookup func(string) (string, bool)
	errs   []error
}

// value returns a variable's value, trimmed; set to "" counts as unset.
func (e *envReader) value(name string) (string, bool) {
	v, ok := e.lookup(name)
	v = strings.TrimSpace(v)
	if !ok || v == "" {
		return "", false
	}
	return v, true
}

// secret reads NAME, or the file named by NAME_FILE with its trailing
// newline trimmed. Setting both is an error; so is an unreadable or empty file.
// Errors name the variable and the file, never the value.
func (e *envReader) secret(name string) (string, bool) {
	v, direct := e.lookup(name)
	direct = direct && v != ""
	path, fromFile := e.value(name + "_FILE")
	switch {
	case direct && fromFile:
		e.errs = append(e.errs, fmt.Errorf("%s and %s_FILE are both set; set one of them", name, name))
		return "", false
	case direct:
		return v, true
	case !fromFile:
		return "", false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s_FILE: %w", name, err))
		return "", false
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		e.errs = append(e.errs, fmt.Errorf("%s_FILE: %s is empty", name, path))
		return "", false
	}
	return s, true
}

// overlay lays the variables of the env-tagged fields of v (a section of
// the tree at path) over their values: the environment wins over the file.
// A variable that overrides a key is recorded in sources, so that errors
// about the value name the variable.
func (e *envReader) overlay(path string, v reflect.Value, sources map[string]string) {
	for _, f := range fields(v.Type()) {
		fv := v.Field(f.index)
		if f.env == "" {
			if fv.Kind() == reflect.Struct && !isLeaf(fv.Type()) {
				e.overlay(join(path, f.key), fv, sources)
			}
			continue
		}
		var s string
		var set bool
		switch fv.Interface().(type) {
		case Secret, DSN:
			s, set = e.secret(f.env)
		default:
			s, set = e.value(f.env)
		}
		if !set {
			continue
		}
		switch fv.Interface().(type) {
		case Secret:
			fv.Set(reflect.ValueOf(NewSecret(s)))
		case DSN:
			fv.Set(reflect.ValueOf(NewDSN(s)))
		case []string: // comma-separated
			var list []string
			for _, item := range strings.Split(s, ",") {
				if item = strings.TrimSpace(item); item != "" {
					list = append(list, item)
				}
			}
			fv.Set(reflect.ValueOf(list))
		case string:
			fv.SetString(s)
		default: // a number or a flag: parsed as the YAML key's value is
			l, ok := leafOf(fv.Type())
			if !ok {
				e.errs = append(e.errs, fmt.Errorf("%s: no variable for a %s", f.env, fv.Type()))
				continue
			}
			x, err := l.parse(s)
			if err != nil {
				e.errs = append(e.errs, fmt.Errorf("%s: %w", f.env, err))
				continue
			}
			fv.Set(reflect.ValueOf(x).Convert(fv.Type()))
		}
		if f.key != "" {
			sources[join(path, f.key)] = f.env
		}
	}
}

// envVar is a variable of the tree and the value it holds.
type envVar struct {
	name  string
	value reflect.Value
}

// variables lists the environment-only settings of v (the Config), in the
// order of the README's table: warroom's own, then one integration after
// another.
func variables(v reflect.Value) []envVar {
	var out []envVar
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		for _, f := range fields(v.Type()) {
			fv := v.Field(f.index)
			switch {
			case f.env != "" && f.key == "":
				out = append(out, envVar{f.env, fv})
			case f.env == "" && fv.Kind() == reflect.Struct && !isLeaf(fv.Type()):
				walk(fv)
			}
		}
	}
	walk(v)
	rank := func(name string) int {
		for i, p := range envOrder {
			if strings.HasPrefix(name, p) {
				return i
			}
		}
		return len(envOrder)
	}
	slices.SortStableFunc(out, func(a, b envVar) int { return rank(a.name) - rank(b.name) })
	return out
}

// envOrder is the order of the README's table of variables.
var envOrder = []string{"WARROOM_", "SLACK_", "DISCORD_", "PAGERDUTY_", "JIRA_", "SERVICENOW_", "GRAFANA_", "AZURE_"}

// isSecretVar reports whether name is a variable that holds a secret.
func isSecretVar(name string) bool {
	return slices.Contains(secretVars(), name)
}

// secretVars lists the variables that hold secrets. Each may instead name
// a file in NAME_FILE, and none is ever read from the YAML file. WARROOM_DB
// is one because a PostgreSQL URL may carry a password.
func secretVars() []string {
	var out []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for _, f := range fields(t) {
			ft := t.Field(f.index).Type
			switch {
			case f.env != "" && (ft == reflect.TypeFor[Secret]() || ft == reflect.TypeFor[DSN]()):
				out = append(out, f.env)
			case ft.Kind() == reflect.Struct && !isLeaf(ft):
				walk(ft)
			}
		}
	}
	walk(reflect.TypeFor[Config]())
	return out
}

func isLeaf(t reflect.Type) bool {
	_, ok := leafOf(t)
	return ok || t == reflect.TypeFor[Secret]()
}
