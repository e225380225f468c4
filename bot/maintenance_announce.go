package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// MaintenanceEdge names the two moments of a maintenance window that are
// announced: its start and its end.
type MaintenanceEdge string

// The announced moments of a maintenance window.
const (
	MaintenanceStart MaintenanceEdge = "start"
	MaintenanceEnd   MaintenanceEdge = "end"
)

// MaintenanceAnnounceTx is the part of a transaction (Tx) that records
// which moments of a window have been announced, so that each is announced
// exactly once across restarts and replicas.
type MaintenanceAnnounceTx interface {
	// ClaimMaintenanceAnnouncement marks edge of window id as announced at
	// at, unless it is marked already: true means this transaction made
	// the mark and so must announce it. An unknown id claims nothing.
	ClaimMaintenanceAnnouncement(ctx context.Context, id int64, edge MaintenanceEdge, at time.Time) (bool, error)
}

// MaintenanceAnnounceReader finds the windows whose start or end is due to
// be announced (part of Reader).
type MaintenanceAnnounceReader interface {
	// MaintenanceAnnouncementsDue lists, by id, at most limit windows whose
	// start is not announced and StartsAt <= now, or whose end is not
	// announced and EndsAt <= now.
	MaintenanceAnnouncementsDue(ctx context.Context, now time.Time, limit int) ([]MaintenanceWindow, error)
}

// claimAnnouncement marks edge of window id announced in tx.
func claimAnnouncement(ctx context.Context, tx Tx, id int64, edge MaintenanceEdge, at time.Time) (bool, error) {
	claimed, err := tx.ClaimMaintenanceAnnouncement(ctx, id, edge, at)
	if err != nil {
		return false, fmt.Errorf("claim %s announcement of maintenance window #%d: %w", edge, id, err)
	}
	return claimed, nil
}

// AnnounceDue announces the windows that have started or ended on their
// own by now, at most limit of them, and returns how many announcements
// it made. Each is claimed in its own transaction, so that replicas
// running it together announce each moment once. A window whose whole
// span passed unannounced (warroom was down) is announced as ended only.
func (m *Maintenance) AnnounceDue(ctx context.Context, now time.Time, limit int) (int, error) {
	s := m.s
	now = now.UTC()
	due, err := s.store.MaintenanceAnnouncementsDue(ctx, now, limit)
	if err != nil {
		return 0, fmt.Errorf("list maintenance windows due an announcement: %w", err)
	}
	n := 0
	var errs []error
	for _, w := range due {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		done, err := m.announceDue(ctx, w.ID, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if done {
			n++
		}
	}
	if n > 0 {
		s.committed()
	}
	return n, errors.Join(errs...)
}

// announceDue claims and announces the due moment of window id, if another
// replica has not.
func (m *Maintenance) announceDue(ctx context.Context, id int64, now time.Time) (bool, error) {
	s := m.s
	announced := false
	err := s.store.InTx(ctx, func(tx Tx) error {
		announced = false // InTx may retry
		w, err := tx.LockMaintenance(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("load maintenance window #%d: %w", id, err)
		}
		if !now.Before(w.End()) {
			// Over: its start needs no announcement any more.
			if _, err := claimAnnouncement(ctx, tx, id, MaintenanceStart, now); err != nil {
				return err
			}
			claimed, err := claimAnnouncement(ctx, tx, id, MaintenanceEnd, now)
			if err != nil || !claimed {
				return err
			}
			announced = true
			return s.announce(ctx, tx, maintenanceMessage(*w, now, "end"))
		}
		if now.Before(w.StartsAt) {
			return nil
		}
		claimed, err := claimAnnouncement(ctx, tx, id, MaintenanceStart, now)
		if err != nil || !claimed {
			return err
		}
		announced = true
		return s.announce(ctx, tx, maintenanceMessage(*w, now, "start"))
	})
	if err != nil {
		return false, fmt.Errorf("announce maintenance window #%d: %w", id, err)
	}
	return announced, nil
}
