package bot

import (
	"context"
	"strings"
)

// Viewer is who reads: a person (User, as the platform names them) and
// whether they may see every private incident (the "see private"
// permission). The zero Viewer sees no private incident.
type Viewer struct {
	User       string
	Aliases    []string // the same person's other names, e.g. their e-mail address
	SeePrivate bool
}

// Everyone is the viewer that sees every incident: the operator's own tools
// (the command line, the scheduler, outbox handlers).
var Everyone = Viewer{SeePrivate: true}

// Member reports whether user holds a role in the incident.
func (inc *Incident) Member(user string) bool {
	u := normalizeUser(user)
	if u == "" {
		return false
	}
	for _, holder := range inc.Roles {
		if strings.EqualFold(normalizeUser(holder), u) {
			return true
		}
	}
	return false
}

// VisibleTo reports whether v may see the incident: it is not private, or
// v is in it, or v may see private incidents.
func (inc *Incident) VisibleTo(v Viewer) bool {
	if !inc.Private || v.SeePrivate || inc.Member(v.User) {
		return true
	}
	for _, a := range v.Aliases {
		if inc.Member(a) {
			return true
		}
	}
	return false
}

// NeutralTitle is what a private incident is called outside warroom's own
// rooms: tickets, pages, announcements.
func NeutralTitle(number int64) string { return "Private incident " + FormatKey(number) }

// Outward is the incident as systems outside its own rooms may see it: a
// private incident with a neutral title and no summary or impact, unless
// the deployment reveals private titles (Config.RevealPrivateTitles).
func (s *Service) Outward(inc *Incident) *Incident {
	if inc == nil || !inc.Private || s.revealPrivate {
		return inc
	}
	out := *inc
	out.Title, out.Summary, out.Impact = NeutralTitle(inc.Number), "", ""
	return &out
}

// GetAs returns one incident if v may see it; one v may not see does not
// exist for v (CodeNotFound, as for a missing one).
func (s *Service) GetAs(ctx context.Context, number int64, v Viewer) (*Incident, error) {
	inc, err := s.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	if !inc.VisibleTo(v) {
		return nil, Errorf(CodeNotFound, "%s does not exist", FormatKey(number))
	}
	return inc, nil
}

// ListAs returns the incidents v may see, newest first. A limit counts
// what v sees.
func (s *Service) ListAs(ctx context.Context, f IncidentFilter, v Viewer) ([]*Incident, error) {
	if v.SeePrivate {
		return s.List(ctx, f)
	}
	limit := f.Limit
	f.Limit = 0
	all, err := s.List(ctx, f)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, inc := range all {
		if inc.VisibleTo(v) {
			out = append(out, inc)
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

// AuditAs returns the audit records v may see: none of an incident v may
// not see.
func (s *Service) AuditAs(ctx context.Context, f AuditFilter, v Viewer) ([]AuditRecord, error) {
	if f.Incident != 0 {
		if _, err := s.GetAs(ctx, f.Incident, v); err != nil {
			return nil, err
		}
	}
	recs, err := s.Audit(ctx, f)
	if err != nil || v.SeePrivate {
		return recs, err
	}
	hidden := map[int64]bool{}
	out := recs[:0]
	for _, r := range recs {
		if r.Incident != 0 {
			h, known := hidden[r.Incident]
			if !known {
				inc, err := s.Get(ctx, r.Incident)
				h = err == nil && !inc.VisibleTo(v)
				hidden[r.Incident] = h
			}
			if h {
				continue
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// ActionsAs returns the action items v may see: none of an incident v may
// not see.
func (s *Service) ActionsAs(ctx context.Context, f ActionFilter, v Viewer) ([]ActionItem, error) {
	items, err := s.Actions(ctx, f)
	if err != nil || v.SeePrivate {
		return items, err
	}
	hidden := map[int64]bool{}
	out := items[:0]
	for _, a := range items {
		h, known := hidden[a.Incident]
		if !known {
			inc, err := s.Get(ctx, a.Incident)
			h = err == nil && !inc.VisibleTo(v)
			hidden[a.Incident] = h
		}
		if !h {
			out = append(out, a)
		}
	}
	return out, nil
}
