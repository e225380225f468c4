package config

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// Route is one alert routing rule: bot.Route with the file's keys (the two
// have the same fields, so one converts to the other).
//
//	routes:
//	  - name: database
//	    match: ["team=db", "env=~prod.*"]
//	    group_by: [cluster, alertname]
//	    severity: sev1
//	    service: database
//	    channel: db-oncall
//	    title: "{{.Rule}} on {{.Labels.cluster}}"   # text/template; default: rule on service
//	    responders: [U024BE7LH, S0614TZR7, "role:1234567890123456"]
//	    tickets: [servicenow]                      # over ticket_systems; default: as configured
//	    auto_declare: true
//	    auto_resolve: true
//	    reopen_window: 30m
type Route struct {
	Name         string        `yaml:"name"`
	Matchers     []bot.Matcher `yaml:"match"`
	GroupBy      []string      `yaml:"group_by,omitempty"`
	Severity     bot.Severity  `yaml:"severity,omitempty"`
	Service      string        `yaml:"service,omitempty"`
	Channel      string        `yaml:"channel,omitempty"`
	Title        string        `yaml:"title,omitempty"`
	Responders   []string      `yaml:"responders,omitempty"`
	Tickets      []string      `yaml:"tickets,omitempty"`
	AutoDeclare  bool          `yaml:"auto_declare"`
	AutoResolve  bool          `yaml:"auto_resolve"`
	ReopenWindow time.Duration `yaml:"reopen_window"`
}

// setDefaults: a configured route declares incidents unless told not to.
func (r *Route) setDefaults() { r.AutoDeclare = true }

// Alerts tunes alert handling:
//
//	alerts:
//	  reopen_window: 30m   # of the default route
//	  max_queued: 20000    # alerts waiting for the committer before 503
type Alerts struct {
	ReopenWindow time.Duration `yaml:"reopen_window"`
	MaxQueued    int           `yaml:"max_queued"`
}

func (a *Alerts) fill() {
	if a.MaxQueued <= 0 {
		a.MaxQueued = bot.DefaultMaxQueued
	}
}

// Service is what the file says about one service: the responders called
// into the room of its incidents, alert-born or declared by hand.
//
//	services:
//	  payments:
//	    responders: [U024BE7LH, S0614TZR7, "role:1234567890123456"]
type Service struct {
	Responders []string `yaml:"responders"`
}

// ServiceConfigs is the services section as the Service takes it.
func (c *Config) ServiceConfigs() map[string]bot.ServiceConfig {
	out := make(map[string]bot.ServiceConfig, len(c.Services))
	for name, s := range c.Services {
		out[name] = bot.ServiceConfig{Responders: s.Responders}
	}
	return out
}

// AlertConfig is what the Service needs to route and take alerts.
func (c *Config) AlertConfig() bot.AlertConfig {
	ac := bot.AlertConfig{ReopenWindow: c.Alerts.ReopenWindow, MaxQueued: c.Alerts.MaxQueued}
	for _, r := range c.Routes {
		ac.Routes = append(ac.Routes, bot.Route(r))
	}
	return ac
}

// checkAlerts checks the routes and alerts sections, the routes as the
// Service will (label names, regular expressions).
func (c *Config) checkAlerts() []error {
	var errs []error
	for i := range c.Routes {
		r := &c.Routes[i]
		r.Channel = strings.TrimPrefix(r.Channel, "#")
	}
	if c.Alerts.MaxQueued < 100 || c.Alerts.MaxQueued > 1000000 {
		errs = append(errs, fmt.Errorf("alerts.max_queued: %d is not between 100 and 1000000", c.Alerts.MaxQueued))
	}
	if len(errs) == 0 {
		if _, err := bot.NewService(bot.Config{Alerts: c.AlertConfig(), Services: c.ServiceConfigs()}, noStore{}, nil); err != nil {
			errs = append(errs, fmt.Errorf("routes and services: %w", err))
		}
	}
	return errs
}

// noStore lets checking build a Service to validate routes; it is never
// called.
type noStore struct{ bot.Store }

func (noStore) Close() error { return errors.New("no store") }
