package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// MaxMaintenance is the longest maintenance window.
const MaxMaintenance = 30 * 24 * time.Hour

// MaintenanceWindow silences the alerts that match all its matchers
// between StartsAt and EndsAt (or EndedAt, when ended early): they are
// recorded, counted on the window, and never declare, attach or page.
// Windows are kept after they end, so that SLA figures can leave them out.
type MaintenanceWindow struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name,omitempty"` // set for windows from the configuration file; unique
	Matchers   []Matcher  `json:"matchers"`
	StartsAt   time.Time  `json:"starts_at"`
	EndsAt     time.Time  `json:"ends_at"`
	EndedAt    *time.Time `json:"ended_at,omitempty"` // ended early by a person
	CreatedBy  string     `json:"created_by,omitempty"`
	Comment    string     `json:"comment,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	Suppressed int64      `json:"suppressed"` // alerts it kept quiet
}

// End is when the window stops: EndedAt when ended early, else EndsAt.
func (w MaintenanceWindow) End() time.Time {
	if w.EndedAt != nil && w.EndedAt.Before(w.EndsAt) {
		return *w.EndedAt
	}
	return w.EndsAt
}

// ActiveAt reports whether the window silences alerts at t.
func (w MaintenanceWindow) ActiveAt(t time.Time) bool {
	return !t.Before(w.StartsAt) && t.Before(w.End())
}

// Maintenance is the maintenance-window half of the Service, shaped for
// the commands package (commands.Maintenance).
type Maintenance struct{ s *Service }

// Maintenance returns the Service's maintenance windows.
func (s *Service) Maintenance() *Maintenance { return &Maintenance{s: s} }

// Start records a window (StartsAt zero: now) and announces it.
func (m *Maintenance) Start(ctx context.Context, w MaintenanceWindow) (MaintenanceWindow, error) {
	s := m.s
	now := s.Now()
	if err := s.checkWindow(&w, now); err != nil {
		return MaintenanceWindow{}, err
	}
	err := s.store.InTx(ctx, func(tx Tx) error {
		created, err := tx.CreateMaintenance(ctx, &w)
		if err != nil {
			return fmt.Errorf("store maintenance window: %w", err)
		}
		if !created {
			return nil // a configured window that is stored already
		}
		if err := tx.AddAudit(ctx, &AuditRecord{At: now, Actor: w.CreatedBy, Action: "maintenance.start",
			After: map[string]any{"window": w.ID, "matchers": MatchersText(w.Matchers), "starts_at": fmtTime(&w.StartsAt), "ends_at": fmtTime(&w.EndsAt)}}); err != nil {
			return fmt.Errorf("add audit record: %w", err)
		}
		if !w.EndsAt.After(now) {
			// A configured window that is over already: kept for the
			// record only, and never announced.
			if _, err := claimAnnouncement(ctx, tx, w.ID, MaintenanceStart, now); err != nil {
				return err
			}
			_, err := claimAnnouncement(ctx, tx, w.ID, MaintenanceEnd, now)
			return err
		}
		if !w.StartsAt.After(now) {
			// Active already: announced as started now, not again by
			// the scheduler (a scheduled window is, when it starts).
			if _, err := claimAnnouncement(ctx, tx, w.ID, MaintenanceStart, now); err != nil {
				return err
			}
		}
		return s.announce(ctx, tx, maintenanceMessage(w, now, "start"))
	})
	if err != nil {
		return MaintenanceWindow{}, err
	}
	s.committed()
	return w, nil
}

// List returns the windows that have not ended at now, soonest first.
func (m *Maintenance) List(ctx context.Context, now time.Time) ([]MaintenanceWindow, error) {
	ws, err := m.s.store.MaintenanceWindows(ctx, MaintenanceFilter{Current: true, Now: now.UTC()})
	if err != nil {
		return nil, fmt.Errorf("list maintenance windows: %w", err)
	}
	return ws, nil
}

// End ends window id now; an unknown id is a CodeNotFound error, a window
// that has ended already a CodeConflict error.
func (m *Maintenance) End(ctx context.Context, id int64, actor string) (MaintenanceWindow, error) {
	s := m.s
	actor = normalizeUser(actor)
	now := s.Now()
	var out MaintenanceWindow
	err := s.store.InTx(ctx, func(tx Tx) error {
		w, err := tx.LockMaintenance(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return Errorf(CodeNotFound, "maintenance window #%d does not exist", id)
		}
		if err != nil {
			return fmt.Errorf("load maintenance window #%d: %w", id, err)
		}
		if !now.Before(w.End()) {
			return Errorf(CodeConflict, "maintenance window #%d has ended already", id)
		}
		// Announced as ended here, so never by the scheduler; a window
		// ended before it started is never announced as started.
		if _, err := claimAnnouncement(ctx, tx, id, MaintenanceStart, now); err != nil {
			return err
		}
		if err := tx.EndMaintenance(ctx, id, now); err != nil {
			return fmt.Errorf("end maintenance window #%d: %w", id, err)
		}
		if _, err := claimAnnouncement(ctx, tx, id, MaintenanceEnd, now); err != nil {
			return err
		}
		w.EndedAt = &now
		if err := tx.AddAudit(ctx, &AuditRecord{At: now, Actor: actor, Action: "maintenance.end",
			After: map[string]any{"window": id, "ended_at": fmtTime(&now)}}); err != nil {
			return fmt.Errorf("add audit record: %w", err)
		}
		out = *w
		msg := maintenanceMessage(*w, now, "end")
		if actor != "" {
			msg.Text += " by " + actor
		}
		return s.announce(ctx, tx, msg)
	})
	if err != nil {
		return MaintenanceWindow{}, err
	}
	s.committed()
	return out, nil
}

// checkWindow validates and normalises a window before it is stored.
func (s *Service) checkWindow(w *MaintenanceWindow, now time.Time) error {
	if len(w.Matchers) == 0 {
		return Errorf(CodeInvalid, "a maintenance window needs at least one matcher, e.g. service=payments")
	}
	w.Matchers = slices.Clone(w.Matchers)
	for i, m := range w.Matchers {
		c, err := m.Compile()
		if err != nil {
			return err
		}
		w.Matchers[i] = c
	}
	if w.StartsAt.IsZero() {
		w.StartsAt = now
	}
	w.StartsAt = w.StartsAt.UTC().Truncate(time.Microsecond)
	w.EndsAt = w.EndsAt.UTC().Truncate(time.Microsecond)
	if !w.EndsAt.After(w.StartsAt) {
		return Errorf(CodeInvalid, "a maintenance window must end after it starts")
	}
	if w.EndsAt.Sub(w.StartsAt) > MaxMaintenance {
		return Errorf(CodeInvalid, "a maintenance window lasts at most 30d")
	}
	w.Name = SanitizeTitle(w.Name, MaxNameLen)
	w.CreatedBy = normalizeUser(w.CreatedBy)
	w.Comment = SanitizeText(w.Comment, MaxTextLen)
	w.CreatedAt = now
	w.EndedAt = nil
	w.Suppressed = 0
	return nil
}

// maintenanceMessage is the announcement of a window starting or ending.
func maintenanceMessage(w MaintenanceWindow, now time.Time, what string) Message {
	const layout = "2006-01-02 15:04 MST"
	m := Message{Fields: []Field{{Label: "Matchers", Value: MatchersText(w.Matchers)}}}
	switch {
	case what == "end":
		m.Title = fmt.Sprintf("Maintenance window #%d ended", w.ID)
		m.Text = fmt.Sprintf("Alerts matching %s page again", MatchersText(w.Matchers))
		m.Fields = append(m.Fields, Field{Label: "Suppressed", Value: fmt.Sprint(w.Suppressed)})
	case w.StartsAt.After(now):
		m.Title = fmt.Sprintf("Maintenance window #%d scheduled", w.ID)
		m.Text = fmt.Sprintf("From %s until %s, alerts matching %s are recorded but do not page",
			w.StartsAt.UTC().Format(layout), w.EndsAt.UTC().Format(layout), MatchersText(w.Matchers))
	default:
		m.Title = fmt.Sprintf("Maintenance window #%d started", w.ID)
		m.Text = fmt.Sprintf("Until %s, alerts matching %s are recorded but do not page",
			w.EndsAt.UTC().Format(layout), MatchersText(w.Matchers))
	}
	var who []string
	if w.Name != "" {
		who = append(who, "configured as "+w.Name)
	}
	if w.CreatedBy != "" && what != "end" {
		who = append(who, "by "+w.CreatedBy)
	}
	if w.Comment != "" {
		m.Fields = append(m.Fields, Field{Label: "Reason", Value: w.Comment})
	}
	m.Footer = strings.Join(who, ", ")
	return m
}

// announce writes one EffectAnnounce job per target: a message for the
// announcement channel that concerns no incident.
func (s *Service) announce(ctx context.Context, tx Tx, m Message) error {
	for _, t := range s.targets {
		if err := s.enqueue(ctx, tx, t, EffectAnnounce, 0, PostPayload{Message: m, Announce: true}); err != nil {
			return err
		}
	}
	return nil
}

// StartConfigured stores the windows of the configuration file, each once
// by name: starting warroom again changes nothing.
func (s *Service) StartConfigured(ctx context.Context, ws []MaintenanceWindow) error {
	for _, w := range ws {
		if strings.TrimSpace(w.Name) == "" {
			return fmt.Errorf("maintenance window: a configured window needs a name")
		}
		if w.CreatedBy == "" {
			w.CreatedBy = "config"
		}
		if _, err := s.Maintenance().Start(ctx, w); err != nil {
			return fmt.Errorf("maintenance window %s: %s", w.Name, ErrorMessage(err))
		}
	}
	return nil
}
