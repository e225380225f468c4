package bot

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ActionQuery selects action items across incidents, as the console's
// action list and GET /api/v1/actions take them: open or overdue ones, one
// owner's, of incidents of some services, severities and sources (the
// insights' filters, so that the overdue-actions tile links to its items).
type ActionQuery struct {
	Owner      string
	OpenOnly   bool
	Overdue    bool // open past their due date; implies OpenOnly
	Services   []string
	Severities []Severity
	Sources    []string
}

// ParseActionQuery reads overdue and open (1 or true), owner, service,
// severity and source (repeatable or comma-separated).
func ParseActionQuery(v url.Values) (ActionQuery, error) {
	var q ActionQuery
	for _, k := range []string{"overdue", "open"} {
		switch s := strings.ToLower(strings.TrimSpace(v.Get(k))); s {
		case "", "0", "false":
		case "1", "true":
			if k == "overdue" {
				q.Overdue = true
			}
			q.OpenOnly = true
		default:
			return q, Errorf(CodeInvalid, "%s %q is not 1, true, 0 or false", k, s)
		}
	}
	q.Owner = strings.TrimPrefix(strings.TrimSpace(v.Get("owner")), "@")
	for _, s := range SplitValues(v["severity"]) {
		sev, err := ParseSeverity(s)
		if err != nil {
			return q, err
		}
		q.Severities = append(q.Severities, sev)
	}
	q.Services, q.Sources = SplitValues(v["service"]), SplitValues(v["source"])
	return q, nil
}

// ActionListAs lists the action items matching q that v may see (none of
// a private incident v is not in), soonest due first (SortActions).
func (s *Service) ActionListAs(ctx context.Context, q ActionQuery, v Viewer) ([]ActionItem, error) {
	items, err := s.ActionsAs(ctx, ActionFilter{Owner: q.Owner, OpenOnly: q.OpenOnly || q.Overdue}, v)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	byIncident := map[int64]*Incident{}
	out := items[:0]
	for _, a := range items {
		if q.Overdue && !a.Overdue(now) {
			continue
		}
		if len(q.Services)+len(q.Severities)+len(q.Sources) > 0 {
			inc, ok := byIncident[a.Incident]
			if !ok {
				if inc, err = s.Get(ctx, a.Incident); err != nil {
					return nil, err
				}
				byIncident[a.Incident] = inc
			}
			if len(q.Services) > 0 && !slices.Contains(q.Services, inc.Service) ||
				len(q.Severities) > 0 && !slices.Contains(q.Severities, inc.Severity) ||
				len(q.Sources) > 0 && !slices.Contains(q.Sources, inc.Source) {
				continue
			}
		}
		out = append(out, a)
	}
	SortActions(out)
	return out, nil
}

// SortActions orders action items soonest due first (those without a due
// date last), then by incident and number.
func SortActions(items []ActionItem) {
	slices.SortFunc(items, func(x, y ActionItem) int {
		if c := CompareDue(x.Due, y.Due); c != 0 {
			return c
		}
		if x.Incident != y.Incident {
			return int(x.Incident - y.Incident)
		}
		return x.Seq - y.Seq
	})
}

// CompareDue orders due dates soonest first, none last.
func CompareDue(x, y *time.Time) int {
	switch {
	case x != nil && y != nil:
		return x.Compare(*y)
	case x != nil:
		return -1
	case y != nil:
		return 1
	}
	return 0
}
