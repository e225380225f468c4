package bot

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Responders are the people an incident calls into its room, named by the
// alert route that declared it and by its service (Config.Services): chat
// ids as each platform writes them. Slack: a user (U…, W…) or a user
// group (S…); Discord: a user (its numeric id) or a role ("role:" and its
// id). Each platform adds the ones it knows and ignores the others.
const (
	// ResponderRolePrefix marks a Discord role among responders.
	ResponderRolePrefix = "role:"
	// MaxResponders bounds the responders of one route or service.
	MaxResponders = 50
)

// ServiceConfig is what the configuration says about one service.
type ServiceConfig struct {
	Responders []string `json:"responders,omitempty"`
}

// checkResponders trims and checks a list of responders.
func checkResponders(what string, rs []string) ([]string, error) {
	if len(rs) > MaxResponders {
		return nil, fmt.Errorf("%s: at most %d responders, not %d", what, MaxResponders, len(rs))
	}
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		r = strings.TrimPrefix(strings.TrimSpace(r), "@")
		if r == "" || len(r) > MaxNameLen || strings.ContainsAny(r, " \t<>|&@!") {
			return nil, fmt.Errorf("%s: responder %q is not a chat id (U…, S…, a Discord id, role:ID)", what, r)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// checkServices checks the services section.
func checkServices(in map[string]ServiceConfig) (map[string]ServiceConfig, error) {
	out := make(map[string]ServiceConfig, len(in))
	for _, name := range slices.Sorted(maps.Keys(in)) {
		rs, err := checkResponders("service "+name, in[name].Responders)
		if err != nil {
			return nil, err
		}
		out[name] = ServiceConfig{Responders: rs}
	}
	return out, nil
}

// respondersFor lists the responders of an incident of service declared by
// route ("" for a manual incident): the route's, then the service's.
func (s *Service) respondersFor(route, service string) []string {
	var out []string
	add := func(rs []string) {
		for _, r := range rs {
			if !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	for _, r := range s.liveAlerts().routes {
		if route != "" && r.Name == route {
			add(r.Responders)
		}
	}
	add(s.services[service].Responders)
	return out
}

// RoomMembers lists who belongs in an incident's room: everyone holding a
// role (the commander first) and its responders, each once.
func RoomMembers(inc *Incident) []string {
	var out []string
	add := func(u string) {
		if u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	add(inc.Commander())
	for _, role := range slices.Sorted(maps.Keys(inc.Roles)) {
		add(inc.Roles[role])
	}
	for _, r := range inc.Responders {
		add(r)
	}
	return out
}
