package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

const windowCols = `id, name, matchers, starts_at, ends_at, ended_at, created_by, comment, created_at, suppressed`

const (
	qCreateWindow = `INSERT INTO maintenance_windows (name, matchers, starts_at, ends_at, created_by, comment, created_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`
	qWindowByName  = `SELECT ` + windowCols + ` FROM maintenance_windows WHERE name = $1`
	qWindow        = `SELECT ` + windowCols + ` FROM maintenance_windows WHERE id = $1`
	qLockWindow    = qWindow + ` %s` // Dialect.ForUpdate
	qEndWindow     = `UPDATE maintenance_windows SET ended_at = $2 WHERE id = $1`
	qActiveWindows = `SELECT ` + windowCols + ` FROM maintenance_windows
	WHERE starts_at <= $1 AND ends_at > $1 AND (ended_at IS NULL OR ended_at > $1) ORDER BY id`
	qWindowsList = `SELECT ` + windowCols + ` FROM maintenance_windows WHERE %s ORDER BY starts_at, id LIMIT $%d`
)

func scanWindow(row scanner) (*bot.MaintenanceWindow, error) {
	var (
		w                       bot.MaintenanceWindow
		name                    sql.NullString
		matchers                string
		starts, ends, createdAt int64
		ended                   sql.NullInt64
	)
	if err := row.Scan(&w.ID, &name, &matchers, &starts, &ends, &ended, &w.CreatedBy, &w.Comment, &createdAt, &w.Suppressed); err != nil {
		return nil, err
	}
	w.Name = name.String
	w.StartsAt, w.EndsAt, w.EndedAt, w.CreatedAt = fromUS(starts), fromUS(ends), fromNullPtr(ended), fromUS(createdAt)
	if err := decode(matchers, &w.Matchers); err != nil {
		return nil, err
	}
	for i, m := range w.Matchers {
		if c, err := m.Compile(); err == nil {
			w.Matchers[i] = c
		}
	}
	return &w, nil
}

func oneWindow(row *sql.Row) (*bot.MaintenanceWindow, error) {
	w, err := scanWindow(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read maintenance window: %w", bot.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read maintenance window: %w", err)
	}
	return w, nil
}

// CreateMaintenance stores w, or reads the stored window of the same name.
func (t *tx) CreateMaintenance(ctx context.Context, w *bot.MaintenanceWindow) (bool, error) {
	matchers, err := encode(w.Matchers)
	if err != nil {
		return false, err
	}
	id, err := t.insert(ctx, qCreateWindow, nullStr(w.Name), matchers, us(w.StartsAt), us(w.EndsAt), w.CreatedBy, w.Comment, us(w.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("insert maintenance window: %w", err)
	}
	if id != 0 {
		w.ID = id
		return true, nil
	}
	stored, err := oneWindow(t.queryRow(ctx, qWindowByName, w.Name))
	if err != nil {
		return false, err
	}
	*w = *stored
	return false, nil
}

// LockMaintenance reads a window and holds it.
func (t *tx) LockMaintenance(ctx context.Context, id int64) (*bot.MaintenanceWindow, error) {
	return oneWindow(t.queryRow(ctx, qLockWindow, id))
}

// EndMaintenance sets a window's ended_at.
func (t *tx) EndMaintenance(ctx context.Context, id int64, at time.Time) error {
	res, err := t.exec(ctx, qEndWindow, id, us(at))
	if err != nil {
		return fmt.Errorf("end maintenance window: %w", err)
	}
	return affected(res, "end maintenance window")
}

// ActiveMaintenance lists the windows active at now.
func (t *tx) ActiveMaintenance(ctx context.Context, now time.Time) ([]bot.MaintenanceWindow, error) {
	rows, err := t.query(ctx, qActiveWindows, us(now))
	if err != nil {
		return nil, fmt.Errorf("list active maintenance windows: %w", err)
	}
	return scanWindows(rows)
}

// MaintenanceWindows lists windows by start.
func (s *Store) MaintenanceWindows(ctx context.Context, f bot.MaintenanceFilter) ([]bot.MaintenanceWindow, error) {
	conds := []string{"1 = 1"}
	var args []any
	if f.Current {
		args = append(args, us(f.Now))
		conds = append(conds, fmt.Sprintf("ends_at > $%d AND (ended_at IS NULL OR ended_at > $%d)", len(args), len(args)))
	}
	if !f.From.IsZero() || !f.To.IsZero() {
		to := f.To
		if to.IsZero() {
			to = time.Unix(1<<40, 0)
		}
		args = append(args, us(f.From), us(to))
		conds = append(conds, fmt.Sprintf("starts_at < $%d AND ends_at > $%d AND (ended_at IS NULL OR ended_at > $%d)", len(args), len(args)-1, len(args)-1))
	}
	args = append(args, limitArg(f.Limit))
	rows, err := s.r.QueryContext(ctx, fmt.Sprintf(qWindowsList, strings.Join(conds, " AND "), len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list maintenance windows: %w", err)
	}
	return scanWindows(rows)
}

func scanWindows(rows *sql.Rows) ([]bot.MaintenanceWindow, error) {
	defer rows.Close()
	var out []bot.MaintenanceWindow
	for rows.Next() {
		w, err := scanWindow(rows)
		if err != nil {
			return nil, fmt.Errorf("list maintenance windows: %w", err)
		}
		out = append(out, *w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list maintenance windows: %w", err)
	}
	return out, nil
}
