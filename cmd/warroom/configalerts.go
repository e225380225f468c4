package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// fileRoute is one alert routing rule in the YAML file:
//
//	routes:
//	  - name: database
//	    match: ["team=db", "env=~prod.*"]
//	    group_by: [cluster, alertname]
//	    severity: sev1
//	    service: database
//	    channel: db-oncall
//	    auto_declare: true
//	    auto_resolve: true
//	    reopen_window: 30m
type fileRoute struct {
	Name         *string  `yaml:"name"`
	Match        []string `yaml:"match"`
	GroupBy      []string `yaml:"group_by"`
	Severity     *string  `yaml:"severity"`
	Service      *string  `yaml:"service"`
	Channel      *string  `yaml:"channel"`
	AutoDeclare  *string  `yaml:"auto_declare"`
	AutoResolve  *string  `yaml:"auto_resolve"`
	ReopenWindow *string  `yaml:"reopen_window"`
}

// fileAlerts tunes alert handling.
type fileAlerts struct {
	ReopenWindow *string `yaml:"reopen_window"` // of the default route
	MaxQueued    *int    `yaml:"max_queued"`    // alerts waiting for the committer before 503
}

// fileMaintenance is a maintenance window in the YAML file, stored once by
// name when warroom starts:
//
//	maintenance:
//	  - name: db-upgrade-2026-12
//	    match: ["service=db", "env=prod"]
//	    start: 2026-12-01T22:00:00Z
//	    duration: 4h           # or end: 2026-12-02T02:00:00Z
//	    comment: PostgreSQL 18 upgrade
type fileMaintenance struct {
	Name     *string  `yaml:"name"`
	Match    []string `yaml:"match"`
	Start    *string  `yaml:"start"`
	End      *string  `yaml:"end"`
	Duration *string  `yaml:"duration"`
	Comment  *string  `yaml:"comment"`
}

// applyAlerts reads the routes, alerts and maintenance sections.
func (c *Config) applyAlerts(fc fileConfig) []error {
	var errs []error
	for i, fr := range fc.Routes {
		r, err := fr.route(fmt.Sprintf("routes[%d]", i))
		errs = append(errs, err...)
		c.Routes = append(c.Routes, r)
	}
	if v := fc.Alerts.ReopenWindow; v != nil {
		d, err := parseDuration(*v)
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("alerts.reopen_window: %q is not a duration such as 30m", *v))
		}
		c.AlertReopenWindow = d
	}
	if v := fc.Alerts.MaxQueued; v != nil {
		if *v < 100 || *v > 1000000 {
			errs = append(errs, fmt.Errorf("alerts.max_queued: %d is not between 100 and 1000000", *v))
		}
		c.AlertMaxQueued = *v
	}
	if len(errs) == 0 {
		if _, err := bot.NewService(bot.Config{Alerts: bot.AlertConfig{Routes: c.Routes}}, noStore{}, nil); err != nil {
			errs = append(errs, fmt.Errorf("routes: %w", err))
		}
	}
	names := map[string]bool{}
	for i, fm := range fc.Maintenance {
		path := fmt.Sprintf("maintenance[%d]", i)
		w, err := fm.window(path)
		errs = append(errs, err...)
		if names[w.Name] && w.Name != "" {
			errs = append(errs, fmt.Errorf("%s.name: %q is used twice", path, w.Name))
		}
		names[w.Name] = true
		c.Maintenance = append(c.Maintenance, w)
	}
	return errs
}

func (fr fileRoute) route(path string) (bot.Route, []error) {
	var errs []error
	r := bot.Route{AutoDeclare: true, GroupBy: fr.GroupBy}
	if fr.Name != nil {
		r.Name = strings.TrimSpace(*fr.Name)
	}
	r.Matchers, errs = parseMatchers(path+".match", fr.Match)
	if fr.Severity != nil {
		sev, err := bot.ParseSeverity(*fr.Severity)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s.severity: %q is not one of sev1, sev2, sev3, sev4", path, *fr.Severity))
		}
		r.Severity = sev
	}
	if fr.Service != nil {
		r.Service = strings.TrimSpace(*fr.Service)
	}
	if fr.Channel != nil {
		r.Channel = strings.TrimPrefix(strings.TrimSpace(*fr.Channel), "#")
	}
	for _, b := range []struct {
		key string
		v   *string
		dst *bool
	}{{"auto_declare", fr.AutoDeclare, &r.AutoDeclare}, {"auto_resolve", fr.AutoResolve, &r.AutoResolve}} {
		if b.v == nil {
			continue
		}
		v, err := strconv.ParseBool(strings.TrimSpace(*b.v))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s.%s: %q is not true or false", path, b.key, *b.v))
		}
		*b.dst = v
	}
	if fr.ReopenWindow != nil {
		d, err := parseDuration(*fr.ReopenWindow)
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("%s.reopen_window: %q is not a duration such as 30m", path, *fr.ReopenWindow))
		}
		r.ReopenWindow = d
	}
	return r, errs
}

func (fm fileMaintenance) window(path string) (bot.MaintenanceWindow, []error) {
	var errs []error
	w := bot.MaintenanceWindow{CreatedBy: "config"}
	if fm.Name == nil || strings.TrimSpace(*fm.Name) == "" {
		errs = append(errs, fmt.Errorf("%s.name: required (a window is stored once by name)", path))
	} else {
		w.Name = strings.TrimSpace(*fm.Name)
	}
	var err []error
	w.Matchers, err = parseMatchers(path+".match", fm.Match)
	errs = append(errs, err...)
	if len(fm.Match) == 0 {
		errs = append(errs, fmt.Errorf("%s.match: at least one matcher, e.g. [\"service=db\"]", path))
	}
	if fm.Start == nil {
		errs = append(errs, fmt.Errorf("%s.start: required, e.g. 2026-12-01T22:00:00Z", path))
	} else if t, e := time.Parse(time.RFC3339, strings.TrimSpace(*fm.Start)); e != nil {
		errs = append(errs, fmt.Errorf("%s.start: %q is not an RFC 3339 time such as 2026-12-01T22:00:00Z", path, *fm.Start))
	} else {
		w.StartsAt = t.UTC()
	}
	switch {
	case fm.End != nil && fm.Duration != nil:
		errs = append(errs, fmt.Errorf("%s: set end or duration, not both", path))
	case fm.End != nil:
		t, e := time.Parse(time.RFC3339, strings.TrimSpace(*fm.End))
		if e != nil {
			errs = append(errs, fmt.Errorf("%s.end: %q is not an RFC 3339 time", path, *fm.End))
		}
		w.EndsAt = t.UTC()
	case fm.Duration != nil:
		d, e := parseDuration(*fm.Duration)
		if e != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s.duration: %q is not a duration such as 4h", path, *fm.Duration))
		}
		w.EndsAt = w.StartsAt.Add(d)
	default:
		errs = append(errs, fmt.Errorf("%s: set end or duration", path))
	}
	if len(errs) == 0 && (!w.EndsAt.After(w.StartsAt) || w.EndsAt.Sub(w.StartsAt) > bot.MaxMaintenance) {
		errs = append(errs, fmt.Errorf("%s: a window lasts more than 0 and at most 30d", path))
	}
	if fm.Comment != nil {
		w.Comment = *fm.Comment
	}
	return w, errs
}

func parseMatchers(path string, in []string) ([]bot.Matcher, []error) {
	var (
		out  []bot.Matcher
		errs []error
	)
	for i, s := range in {
		m, err := bot.ParseMatcher(strings.TrimSpace(s))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s[%d]: %s", path, i, bot.ErrorMessage(err)))
			continue
		}
		out = append(out, m)
	}
	return out, errs
}

// noStore lets config checking build a Service to validate routes; it is
// never called.
type noStore struct{ bot.Store }

var errNoStore = errors.New("no store")

func (noStore) Close() error { return errNoStore }
