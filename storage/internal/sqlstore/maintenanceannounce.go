package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
)

// A window's start and end are each announced once: the transaction that
// writes the announcement first sets start_announced_at or
// end_announced_at, and only when it was still NULL (schema 6).
const (
	qClaimWindowStart = `UPDATE maintenance_windows SET start_announced_at = $2 WHERE id = $1 AND start_announced_at IS NULL`
	qClaimWindowEnd   = `UPDATE maintenance_windows SET end_announced_at = $2 WHERE id = $1 AND end_announced_at IS NULL`
	qWindowsDue       = `SELECT ` + windowCols + ` FROM maintenance_windows
	WHERE (start_announced_at IS NULL AND starts_at <= $1) OR (end_announced_at IS NULL AND ends_at <= $1)
	ORDER BY id LIMIT $2`
)

// ClaimMaintenanceAnnouncement marks edge of window id announced, unless
// it is already; true means this transaction made the mark.
func (t *tx) ClaimMaintenanceAnnouncement(ctx context.Context, id int64, edge bot.MaintenanceEdge, at time.Time) (bool, error) {
	var q string
	switch edge {
	case bot.MaintenanceStart:
		q = qClaimWindowStart
	case bot.MaintenanceEnd:
		q = qClaimWindowEnd
	default:
		return false, fmt.Errorf("claim maintenance announcement: unknown edge %q", edge)
	}
	res, err := t.exec(ctx, q, id, us(at))
	if err != nil {
		return false, fmt.Errorf("claim maintenance announcement: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim maintenance announcement: %w", err)
	}
	return n == 1, nil
}

// MaintenanceAnnouncementsDue lists the windows whose start or end is due
// to be announced at now, by id.
func (s *Store) MaintenanceAnnouncementsDue(ctx context.Context, now time.Time, limit int) ([]bot.MaintenanceWindow, error) {
	rows, err := s.r.QueryContext(ctx, qWindowsDue, us(now), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("list maintenance windows due an announcement: %w", err)
	}
	return scanWindows(rows)
}
