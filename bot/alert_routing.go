package bot

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Route is one alert routing rule (the routes section of the
// configuration). The first route whose matchers all match an alert's
// labels decides how the alert is grouped and what its group does.
type Route struct {
	Name     string    `json:"name"`
	Matchers []Matcher `json:"matchers,omitempty"` // none: matches every alert
	// GroupBy names the labels whose values make the group key; empty
	// means the sender's own group (Alertmanager's groupKey), else
	// alertname + service.
	GroupBy  []string `json:"group_by,omitempty"`
	Severity Severity `json:"severity,omitempty"` // 0: from the severity label
	Service  string   `json:"service,omitempty"`  // "": from the service label
	Channel  string   `json:"channel,omitempty"`  // chat channel to announce in; "": the default
	// Title is a text/template of the title of the incidents the route
	// declares (TitleData); "": the rule and the service.
	Title string `json:"title,omitempty"`
	// Responders are called into the room of every incident the route
	// declares (responders.go).
	Responders []string `json:"responders,omitempty"`
	// Tickets names the ticket systems (LinkJira, LinkServiceNow) the
	// incidents it declares get tickets in, automatic ones and
	// /incident ticket, over TicketConfig.Systems; none: as configured.
	Tickets []string `json:"tickets,omitempty"`
	// AutoDeclare declares an incident when the group first fires; when
	// false the group's alerts are recorded only.
	AutoDeclare bool `json:"auto_declare"`
	// AutoResolve resolves the incident when every alert of the group has
	// resolved.
	AutoResolve bool `json:"auto_resolve"`
	// ReopenWindow: a group whose incident was resolved less than this long
	// ago reopens it when it fires again, rather than declaring a new one.
	ReopenWindow time.Duration `json:"reopen_window,omitempty"`
}

// DefaultRouteName names the built-in route that applies when no
// configured route matches.
const DefaultRouteName = "default"

// DefaultRoute is the route alerts take when no configured route matches
// (README.md, "Alert routing, storms and maintenance"): the sender's group,
// every firing group declares, severity from the severity label, no
// auto-resolve.
func DefaultRoute() Route {
	return Route{Name: DefaultRouteName, AutoDeclare: true}
}

// checkRoutes compiles the routes' matchers and checks their settings.
func checkRoutes(routes []Route) ([]Route, error) {
	out := make([]Route, 0, len(routes))
	names := map[string]bool{}
	for i, r := range routes {
		r.Name = strings.TrimSpace(r.Name)
		if r.Name == "" {
			r.Name = fmt.Sprintf("route%d", i+1)
		}
		if names[r.Name] {
			return nil, fmt.Errorf("route %q: the name is used twice", r.Name)
		}
		names[r.Name] = true
		r.Matchers = slices.Clone(r.Matchers)
		for j, m := range r.Matchers {
			c, err := m.Compile()
			if err != nil {
				return nil, fmt.Errorf("route %q: %s", r.Name, ErrorMessage(err))
			}
			r.Matchers[j] = c
		}
		if r.Severity != 0 && !r.Severity.Valid() {
			return nil, fmt.Errorf("route %q: severity %d is not one of sev1, sev2, sev3, sev4", r.Name, int(r.Severity))
		}
		if r.ReopenWindow < 0 {
			return nil, fmt.Errorf("route %q: the reopen window is negative", r.Name)
		}
		for _, l := range r.GroupBy {
			if !labelNameRE.MatchString(l) {
				return nil, fmt.Errorf("route %q: group_by %q is not a label name", r.Name, l)
			}
		}
		rs, err := checkResponders(fmt.Sprintf("route %q", r.Name), r.Responders)
		if err != nil {
			return nil, err
		}
		r.Responders = rs
		for _, t := range r.Tickets {
			if t != LinkJira && t != LinkServiceNow {
				return nil, fmt.Errorf("route %q: tickets: %q is not %s or %s", r.Name, t, LinkJira, LinkServiceNow)
			}
		}
		r.Tickets = slices.Clone(r.Tickets)
		if _, err := compileTitle(r.Title); err != nil {
			return nil, fmt.Errorf("route %q: %w", r.Name, err)
		}
		r.GroupBy = slices.Clone(r.GroupBy)
		out = append(out, r)
	}
	return out, nil
}

// RouteDecision is what routing says about one alert, before the database
// is asked (see Explain for what would happen).
type RouteDecision struct {
	Alert       Alert    `json:"alert"`
	Route       string   `json:"route"`     // the rule that matched; DefaultRouteName when none did
	GroupKey    string   `json:"group_key"` // the group the alert joins
	Severity    Severity `json:"severity"`
	Service     string   `json:"service,omitempty"`
	Channel     string   `json:"channel,omitempty"`
	Tickets     []string `json:"tickets,omitempty"` // the route's ticket systems; none: as configured
	AutoDeclare bool     `json:"auto_declare"`
	AutoResolve bool     `json:"auto_resolve"`
	// Filled by Explain:
	Action   string `json:"action,omitempty"`   // one of the Action* words
	Incident int64  `json:"incident,omitempty"` // the incident attached to, reopened or resolved
	Window   int64  `json:"window,omitempty"`   // the maintenance window that suppresses it
	Reason   string `json:"reason,omitempty"`   // one sentence for people
}

// What HandleAlerts would do with an alert (RouteDecision.Action).
const (
	ActionDeclare    = "declare"    // a new incident for the group
	ActionAttach     = "attach"     // joins the group's open incident
	ActionReopen     = "reopen"     // reopens the group's recently resolved incident
	ActionResolve    = "resolve"    // records the resolution (and may resolve the incident)
	ActionSuppressed = "suppressed" // matches a maintenance window: recorded only
	ActionRecord     = "record"     // the route does not declare: recorded only
	ActionDuplicate  = "duplicate"  // already received: changes nothing
)

// Route decides, for each alert, the matching rule, its group key,
// severity and service. It is pure: it reads neither the clock nor the
// database.
func (s *Service) Route(alerts []Alert) []RouteDecision {
	out := make([]RouteDecision, len(alerts))
	for i, a := range alerts {
		out[i] = s.route(a)
	}
	return out
}

// Routes returns the configured routes, in order.
func (s *Service) Routes() []Route { return slices.Clone(s.liveAlerts().routes) }

func (s *Service) route(a Alert) RouteDecision {
	r := DefaultRoute()
	for _, c := range s.liveAlerts().routes {
		if MatchAll(c.Matchers, a.Labels) {
			r = c
			break
		}
	}
	d := RouteDecision{
		Alert: a, Route: r.Name, Severity: r.Severity, Service: r.Service, Channel: r.Channel, Tickets: r.Tickets,
		AutoDeclare: r.AutoDeclare, AutoResolve: r.AutoResolve,
	}
	switch {
	case len(r.GroupBy) > 0:
		d.GroupKey = r.Name + ":" + GroupKeyOf(a.Labels, r.GroupBy)
	case a.GroupKey != "":
		d.GroupKey = a.Source + ":" + a.GroupKey
	default:
		d.GroupKey = DefaultGroupKey(a.Labels)
	}
	if d.Severity == 0 {
		d.Severity = SeverityFromLabel(a.Labels["severity"])
	}
	if d.Service == "" {
		d.Service = a.Labels["service"]
	}
	return d
}

// reopenWindow is the reopen window of the route a decision came from.
func (s *Service) reopenWindow(route string) time.Duration {
	for _, r := range s.liveAlerts().routes {
		if r.Name == route {
			return r.ReopenWindow
		}
	}
	return s.liveAlerts().defaultReopen
}
