package generic

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Mapping says where a sender's JSON keeps each alert field. Paths are
// dotted: "$.a.b" (or "a.b") reads key b of object a; a number reads that
// element of an array ("$.items.0.name"); "$" is the whole value.
type Mapping struct {
	// Alerts, when set, is the path of an array holding one alert per
	// element; every other path is then read inside each element.
	Alerts string `yaml:"alerts"`
	// DedupKey identifies the alert; required. A redelivery with the same
	// key and status changes nothing; resolved resolves the firing one.
	DedupKey string `yaml:"dedup_key"`
	Title    string `yaml:"title"`    // required
	Severity string `yaml:"severity"` // becomes the severity label
	Service  string `yaml:"service"`  // becomes the service label
	// Status is the path of the state; a value in ResolvedValues (compared
	// without case) resolves, any other fires. No status: always firing.
	Status         string   `yaml:"status"`
	ResolvedValues []string `yaml:"resolved_values"`
	GroupKey       string   `yaml:"group_key"` // the sender's own group, optional
	// StartsAt is the path of the alert's start (RFC 3339 or Unix seconds),
	// optional. Without it, or when a resolution leaves it out, the alert
	// carries no start: a resolution resolves the open episode of its
	// dedup key, and a firing after that starts a new episode.
	StartsAt    string `yaml:"starts_at"`
	Description string `yaml:"description"` // the description annotation, optional
	URL         string `yaml:"url"`         // link back, optional
	// Labels maps more label names to paths.
	Labels map[string]string `yaml:"labels"`
}

// DefaultResolvedValues are the status values that resolve when the
// mapping lists none.
var DefaultResolvedValues = []string{"resolved", "ok", "closed", "recovered", "inactive", "normal"}

// Validate checks that the mapping names the required fields and that its
// paths parse.
func (m Mapping) Validate() error {
	var errs []error
	if m.DedupKey == "" {
		errs = append(errs, errors.New("generic.dedup_key is required: the path of the alert's identity"))
	}
	if m.Title == "" {
		errs = append(errs, errors.New("generic.title is required: the path of the alert's title"))
	}
	check := func(name, p string) {
		if p == "" {
			return
		}
		if _, err := parsePath(p); err != nil {
			errs = append(errs, fmt.Errorf("generic.%s: %w", name, err))
		}
	}
	for name, p := range map[string]string{
		"alerts": m.Alerts, "dedup_key": m.DedupKey, "title": m.Title, "severity": m.Severity, "service": m.Service,
		"status": m.Status, "group_key": m.GroupKey, "starts_at": m.StartsAt, "description": m.Description, "url": m.URL,
	} {
		check(name, p)
	}
	for name, p := range m.Labels {
		if name == "" {
			errs = append(errs, errors.New("generic.labels: a label needs a name"))
		}
		check("labels."+name, p)
	}
	return errors.Join(errs...)
}

// IsZero reports whether no mapping is configured.
func (m Mapping) IsZero() bool { return m.DedupKey == "" && m.Title == "" }

// parsePath splits "$.a.b.0" into its segments.
func parsePath(p string) ([]string, error) {
	s := strings.TrimSpace(p)
	if s == "$" || s == "" {
		return nil, nil
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "$"), ".")
	segs := strings.Split(s, ".")
	for _, seg := range segs {
		if seg == "" {
			return nil, fmt.Errorf("path %q has an empty segment", p)
		}
	}
	return segs, nil
}

// lookup reads path from v, a value decoded by encoding/json with UseNumber.
func lookup(v any, path string) (any, bool) {
	segs, err := parsePath(path)
	if err != nil {
		return nil, false
	}
	for _, seg := range segs {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[seg]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// lookupString reads path as text: strings as they are, numbers and
// booleans as their JSON text; objects, arrays and null are "".
func lookupString(v any, path string) string {
	if path == "" {
		return ""
	}
	x, ok := lookup(v, path)
	if !ok {
		return ""
	}
	switch x := x.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}
