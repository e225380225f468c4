package bot

import (
	"fmt"
	"text/template"
	"time"
)

// AlertConfig configures alert routing and the group commit of HandleAlerts.
type AlertConfig struct {
	// Routes are tried in order; the first whose matchers all match decides.
	// An alert no route matches takes DefaultRoute.
	Routes []Route
	// ReopenWindow is the reopen window of the default route (0: a group
	// that fires again after its incident resolved declares a new one).
	ReopenWindow time.Duration
	// MaxQueued bounds the alerts waiting for the committer; beyond it
	// HandleAlerts answers CodeUnavailable. 0: DefaultMaxQueued.
	MaxQueued int
	// MaxBatch bounds the alerts one transaction commits. 0: DefaultMaxBatch.
	MaxBatch int
}

// Group-commit defaults.
const (
	DefaultMaxQueued = 20000
	DefaultMaxBatch  = 2000
)

// alertConfig is AlertConfig checked.
type alertConfig struct {
	routes        []Route
	titles        map[string]*template.Template // route → its title template
	defaultReopen time.Duration
	maxQueued     int
	maxBatch      int
}

func newAlertConfig(c AlertConfig) (alertConfig, error) {
	routes, err := checkRoutes(c.Routes)
	if err != nil {
		return alertConfig{}, err
	}
	if c.ReopenWindow < 0 {
		return alertConfig{}, fmt.Errorf("alerts: the reopen window is negative")
	}
	out := alertConfig{routes: routes, titles: map[string]*template.Template{}, defaultReopen: c.ReopenWindow,
		maxQueued: c.MaxQueued, maxBatch: c.MaxBatch}
	for _, r := range routes {
		if t, _ := compileTitle(r.Title); t != nil {
			out.titles[r.Name] = t
		}
	}
	if out.maxQueued <= 0 {
		out.maxQueued = DefaultMaxQueued
	}
	if out.maxBatch <= 0 {
		out.maxBatch = DefaultMaxBatch
	}
	return out, nil
}
