package config

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// envVars lists every variable the configuration reads, from the env tags
// of the whole tree, plus the ones read by name.
func envVars() []string {
	seen := map[reflect.Type]bool{}
	out := []string{"WARROOM_CONFIG", "PAGERDUTY_ROUTING_KEY_<NAME>"}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			sf := t.Field(i)
			if env := sf.Tag.Get("env"); env != "" {
				out = append(out, env)
			}
			if sf.IsExported() {
				walk(sf.Type)
			}
		}
	}
	walk(reflect.TypeFor[Config]())
	slices.Sort(out)
	return slices.Compact(out)
}

// TestREADMEConfigurationTable: the README's configuration table names
// every variable the binary reads, and none it does not.
func TestREADMEConfigurationTable(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Configuration\n")
	if !ok {
		t.Fatal("README.md has no Configuration section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var first []string // each table row's first cell: its variables
	for _, line := range strings.Split(section, "\n") {
		if cells := strings.Split(line, "|"); strings.HasPrefix(line, "| ") && len(cells) > 2 {
			first = append(first, cells[1])
		}
	}
	inTable := map[string]bool{}
	for _, m := range regexp.MustCompile("`([A-Z][A-Z0-9_]*(?:<NAME>)?)`").FindAllStringSubmatch(strings.Join(first, "\n"), -1) {
		inTable[m[1]] = true
	}
	read := envVars()
	for _, v := range read {
		if !inTable[v] {
			t.Errorf("%s is read by the configuration but missing from the README's configuration table", v)
		}
	}
	for v := range inTable {
		if !slices.Contains(read, v) {
			t.Errorf("%s is in the README's configuration table but the configuration does not read it", v)
		}
	}
}
