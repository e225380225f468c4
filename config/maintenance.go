package config

import (
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
)

// Maintenance is the maintenance section: windows stored once by name when
// warroom starts.
//
//	maintenance:
//	  - name: db-upgrade-2026-12
//	    match: ["service=db", "env=prod"]
//	    start: 2026-12-01T22:00:00Z
//	    duration: 4h           # or end: 2026-12-02T02:00:00Z
//	    comment: PostgreSQL 18 upgrade
type Maintenance []Window

// Window is one configured maintenance window. A duration is folded into
// the end once read, so the view shows start and end.
type Window struct {
	Name     string        `yaml:"name"`
	Matchers []bot.Matcher `yaml:"match"`
	StartsAt time.Time     `yaml:"start"`
	EndsAt   time.Time     `yaml:"end"`
	Duration time.Duration `yaml:"duration,omitempty"`
	Comment  string        `yaml:"comment,omitempty"`
}

// Windows are the windows as the Service stores them.
func (m Maintenance) Windows() []bot.MaintenanceWindow {
	var out []bot.MaintenanceWindow
	for _, w := range m {
		out = append(out, bot.MaintenanceWindow{
			Name: w.Name, Matchers: w.Matchers, StartsAt: w.StartsAt, EndsAt: w.EndsAt, Comment: w.Comment, CreatedBy: "config",
		})
	}
	return out
}

func (m Maintenance) check() []error {
	var errs []error
	names := map[string]bool{}
	for i := range m {
		w := &m[i]
		path := fmt.Sprintf("maintenance[%d]", i)
		errs = append(errs, w.check(path)...)
		if names[w.Name] && w.Name != "" {
			errs = append(errs, fmt.Errorf("%s.name: %q is used twice", path, w.Name))
		}
		names[w.Name] = true
	}
	return errs
}

func (w *Window) check(path string) []error {
	var errs []error
	if w.Name == "" {
		errs = append(errs, fmt.Errorf("%s.name: required (a window is stored once by name)", path))
	}
	if len(w.Matchers) == 0 {
		errs = append(errs, fmt.Errorf("%s.match: at least one matcher, e.g. [\"service=db\"]", path))
	}
	if w.StartsAt.IsZero() {
		errs = append(errs, fmt.Errorf("%s.start: required, e.g. 2026-12-01T22:00:00Z", path))
	}
	switch {
	case !w.EndsAt.IsZero() && w.Duration != 0:
		errs = append(errs, fmt.Errorf("%s: set end or duration, not both", path))
	case w.Duration != 0:
		w.EndsAt, w.Duration = w.StartsAt.Add(w.Duration), 0
	case w.EndsAt.IsZero():
		errs = append(errs, fmt.Errorf("%s: set end or duration", path))
	}
	if len(errs) == 0 && (!w.EndsAt.After(w.StartsAt) || w.EndsAt.Sub(w.StartsAt) > bot.MaxMaintenance) {
		errs = append(errs, fmt.Errorf("%s: a window lasts more than 0 and at most 30d", path))
	}
	return errs
}
