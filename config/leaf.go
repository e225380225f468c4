package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/kpi"
)

// leaf reads one scalar of the file into its Go type, and writes it back
// the way the file writes it, for the view. parse gets the value trimmed
// ("" for no value); its error names the value, never the key (the
// decoder adds the key's path).
type leaf struct {
	parse  func(s string) (any, error)
	format func(v reflect.Value) any
}

// Period is a digest period: 7d, 30d, 12h; 0 is all time.
type Period time.Duration

// leaves are the scalar types the tree uses besides strings, whole numbers,
// booleans and floats.
var leaves = map[reflect.Type]leaf{
	reflect.TypeFor[time.Duration](): {
		parse:  func(s string) (any, error) { return parseDuration(s) },
		format: func(v reflect.Value) any { return formatDuration(time.Duration(v.Int())) },
	},
	reflect.TypeFor[bot.Severity](): {
		parse: func(s string) (any, error) {
			sev, err := bot.ParseSeverity(s)
			if err != nil {
				return nil, fmt.Errorf("%q is not one of sev1, sev2, sev3, sev4", s)
			}
			return sev, nil
		},
		format: func(v reflect.Value) any { return sevKey(bot.Severity(v.Int())) },
	},
	reflect.TypeFor[bot.Status](): {
		parse: func(s string) (any, error) {
			st, err := bot.ParseStatus(s)
			if err != nil {
				return nil, fmt.Errorf("%q is not a warroom status (%s)", s, statusList())
			}
			return st, nil
		},
		format: func(v reflect.Value) any { return v.String() },
	},
	reflect.TypeFor[bot.Matcher](): {
		parse: func(s string) (any, error) {
			m, err := bot.ParseMatcher(s)
			if err != nil {
				return nil, errors.New(bot.ErrorMessage(err))
			}
			return m, nil
		},
		format: func(v reflect.Value) any { return v.Interface().(bot.Matcher).String() },
	},
	reflect.TypeFor[time.Time](): {
		parse: func(s string) (any, error) {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return nil, fmt.Errorf("%q is not an RFC 3339 time such as 2026-12-01T22:00:00Z", s)
			}
			return t.UTC(), nil
		},
		format: func(v reflect.Value) any { return v.Interface().(time.Time).UTC().Format(time.RFC3339) },
	},
	reflect.TypeFor[time.Weekday](): {
		parse: func(s string) (any, error) {
			k := strings.ToLower(s)
			for d := time.Sunday; d <= time.Saturday; d++ {
				if short := strings.ToLower(d.String()[:3]); len(k) >= 3 && strings.HasPrefix(k, short) {
					return d, nil
				}
			}
			return nil, fmt.Errorf("%q is not a weekday like mon", s)
		},
		format: func(v reflect.Value) any { return strings.ToLower(time.Weekday(v.Int()).String()[:3]) },
	},
	reflect.TypeFor[Period](): {
		parse: func(s string) (any, error) {
			p, err := kpi.ParsePeriod(s)
			if err != nil {
				return nil, fmt.Errorf("%q is not like 7d, 30d or all", s)
			}
			return Period(p), nil
		},
		format: func(v reflect.Value) any {
			if v.Int() == 0 {
				return "all"
			}
			return kpi.FormatPeriod(time.Duration(v.Int()))
		},
	},
	reflect.TypeFor[DSN](): {
		parse:  func(s string) (any, error) { return NewDSN(s), nil },
		format: func(v reflect.Value) any { return v.Interface().(DSN).String() },
	},
	// A value of any type is text, or JSON when it starts with { or [ (a
	// Jira custom field).
	reflect.TypeFor[any](): {
		parse: func(s string) (any, error) {
			if !strings.HasPrefix(s, "{") && !strings.HasPrefix(s, "[") {
				return s, nil
			}
			var x any
			if err := json.Unmarshal([]byte(s), &x); err != nil {
				return nil, fmt.Errorf("not valid JSON: %v", err)
			}
			return x, nil
		},
		format: func(v reflect.Value) any { return v.Interface() },
	},
}

// leafOf returns the leaf of type t, if t is a scalar.
func leafOf(t reflect.Type) (leaf, bool) {
	if l, ok := leaves[t]; ok {
		return l, true
	}
	self := func(v reflect.Value) any { return v.Interface() }
	switch t.Kind() {
	case reflect.String:
		return leaf{parse: func(s string) (any, error) { return s, nil }, format: func(v reflect.Value) any { return v.String() }}, true
	case reflect.Int:
		return leaf{parse: func(s string) (any, error) {
			if s == "" {
				return nil, errors.New("want a whole number, got nothing")
			}
			n, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
			if err != nil {
				return nil, fmt.Errorf("want a whole number, got %q", s)
			}
			return n, nil
		}, format: self}, true
	case reflect.Bool:
		return leaf{parse: parseBool, format: self}, true
	case reflect.Float64:
		return leaf{parse: func(s string) (any, error) {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("%q is not a number", s)
			}
			return f, nil
		}, format: self}, true
	}
	return leaf{}, false
}

// parseBool reads true or false, also as yes/no or on/off.
func parseBool(s string) (any, error) {
	switch strings.ToLower(s) {
	case "yes", "on":
		return true, nil
	case "no", "off":
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not true or false", s)
	}
	return b, nil
}

// sevKey is a severity as the file writes it: "sev2".
func sevKey(s bot.Severity) string { return fmt.Sprintf("sev%d", int(s)) }

func statusList() string {
	names := make([]string, len(bot.Statuses))
	for i, s := range bot.Statuses {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}
