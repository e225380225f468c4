package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Explain says what HandleAlerts would do with alerts now, reading the
// database but writing nothing: the route, group key and severity of each
// alert and its Action (declare, attach to INC-n, reopen, suppressed by a
// maintenance window, record only, duplicate). Alerts earlier in the list
// count as received for later ones, as in one delivery.
func (s *Service) Explain(ctx context.Context, alerts []Alert) ([]RouteDecision, error) {
	norm, err := normalizeAlerts(alerts)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	windows, err := s.store.MaintenanceWindows(ctx, MaintenanceFilter{Current: true, Now: now})
	if err != nil {
		return nil, fmt.Errorf("read maintenance windows: %w", err)
	}
	planned := map[string]int64{}    // group → incident (-1: declared by an earlier alert)
	seen := map[string]AlertStatus{} // alerts earlier in the list
	seenInc := map[string]int64{}    // and their incidents
	out := s.Route(norm)
	for i := range out {
		d := &out[i]
		a := norm[i]
		key := a.Source + "\x00" + a.Fingerprint + "\x00" + a.StartsAt.String()
		noStart := a.StartsAt.IsZero() // matched to episodes: see alert_episodes.go
		prev, inList := seen[key]
		d.Incident = seenInc[key]
		if !inList && noStart {
			if prev, inList, d.Incident, err = s.storedEpisode(ctx, a); err != nil {
				return nil, err
			}
		} else if !inList {
			st, err := s.store.StoredAlert(ctx, a.Source, a.Fingerprint, a.StartsAt)
			switch {
			case errors.Is(err, ErrNotFound):
			case err != nil:
				return nil, fmt.Errorf("read alert: %w", err)
			default:
				prev, inList = st.Status, true
				d.Incident = st.Incident
			}
		}
		if noStart && inList && prev == AlertResolved && a.Status == AlertFiring {
			inList, d.Incident = false, 0 // fires again: a new episode
		}
		err := func() error {
			if inList && (prev == AlertResolved || a.Status == AlertFiring) {
				d.Action, d.Reason = ActionDuplicate, "already received: changes nothing"
				return nil
			}
			if inList {
				d.Action, d.Reason = ActionResolve, "records the resolution"
				if d.Incident != 0 {
					d.Reason += " on " + FormatKey(d.Incident)
				}
				return nil
			}
			if w := activeWindow(windows, a.Labels, now); w != 0 {
				d.Action, d.Window = ActionSuppressed, w
				d.Reason = fmt.Sprintf("suppressed by maintenance window #%d: recorded only", w)
				return nil
			}
			if a.Status == AlertResolved || !d.AutoDeclare {
				d.Action, d.Reason = ActionRecord, "recorded only"
				if a.Status == AlertFiring {
					d.Reason = fmt.Sprintf("recorded only: route %s does not declare incidents", d.Route)
				}
				return nil
			}
			return s.explainGroup(ctx, d, planned, now)
		}()
		if err != nil {
			return nil, err
		}
		if d.Action != ActionDuplicate {
			seen[key], seenInc[key] = a.Status, d.Incident
		}
	}
	return out, nil
}

// explainGroup decides declare, attach or reopen for a firing alert.
func (s *Service) explainGroup(ctx context.Context, d *RouteDecision, planned map[string]int64, now time.Time) error {
	if n, ok := planned[d.GroupKey]; ok {
		if n < 0 {
			d.Action, d.Reason = ActionAttach, "attaches to the incident an earlier alert of its group declares"
		} else {
			d.Action, d.Incident, d.Reason = ActionAttach, n, "attaches to "+FormatKey(n)
		}
		return nil
	}
	planned[d.GroupKey] = -1
	d.Action, d.Reason = ActionDeclare, fmt.Sprintf("declares a new %s incident", d.Severity)
	g, err := s.store.StoredAlertGroup(ctx, d.GroupKey)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read alert group: %w", err)
	}
	inc, err := s.store.Incident(ctx, g.Incident)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", FormatKey(g.Incident), err)
	}
	win := s.reopenWindow(d.Route)
	switch {
	case inc.Status.Open():
		d.Action, d.Incident, d.Reason = ActionAttach, inc.Number, "attaches to "+inc.Key()
	case inc.Status == StatusResolved && inc.ResolvedAt != nil && win > 0 && now.Sub(*inc.ResolvedAt) <= win:
		d.Action, d.Incident, d.Reason = ActionReopen, inc.Number, fmt.Sprintf("reopens %s (resolved %s ago)", inc.Key(), FormatDuration(now.Sub(*inc.ResolvedAt)))
	default:
		d.Reason += fmt.Sprintf(" (%s of this group is %s)", inc.Key(), inc.Status)
		return nil
	}
	planned[d.GroupKey] = inc.Number
	return nil
}

// activeWindow returns the first window active at now matching labels.
func activeWindow(ws []MaintenanceWindow, labels map[string]string, now time.Time) int64 {
	for _, w := range ws {
		if w.ActiveAt(now) && MatchAll(w.Matchers, labels) {
			return w.ID
		}
	}
	return 0
}

// storedEpisode is what the store holds of the episodes of an alert without
// a start: the open episode (firing, and its incident), else the latest
// (resolved), else nothing.
func (s *Service) storedEpisode(ctx context.Context, a Alert) (AlertStatus, bool, int64, error) {
	eps, err := s.store.StoredAlertEpisodes(ctx, a.Source, a.Fingerprint)
	if err != nil {
		return "", false, 0, fmt.Errorf("read alert episodes: %w", err)
	}
	for _, e := range eps {
		if e.Status == AlertFiring {
			return AlertFiring, true, e.Incident, nil
		}
	}
	if len(eps) > 0 {
		return eps[0].Status, true, eps[0].Incident, nil
	}
	return "", false, 0, nil
}
