package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/warroom/warroom/bot"
)

// Timers (migration 0004). A timer is pending while fired_at and
// canceled_at are NULL; (incident, kind, level) is unique.

const timerCols = `id, incident, kind, level, due_at, fired_at, canceled_at, created_at`

const (
	// qSetTimer creates a timer or moves a pending one; RETURNING yields no
	// row when the existing timer fired or was canceled.
	qSetTimer = `INSERT INTO timers (incident, kind, level, due_at, created_at) VALUES ($1, $2, $3, $4, $5)
	ON CONFLICT (incident, kind, level) DO UPDATE SET due_at = excluded.due_at
	WHERE timers.fired_at IS NULL AND timers.canceled_at IS NULL
	RETURNING id`
	// qCancelTimers cancels up to cancelKinds kinds at once ($3..$7,
	// the last repeated where fewer).
	qCancelTimers = `UPDATE timers SET canceled_at = $2
	WHERE incident = $1 AND kind IN ($3, $4, $5, $6, $7) AND fired_at IS NULL AND canceled_at IS NULL`
	// qClaimTimer: %s is Dialect.SkipLocked; $3 is the newest migration
	// this code knows: a newer schema claims nothing (like qClaim).
	qClaimTimer = `SELECT ` + timerCols + ` FROM timers
	WHERE id = $1 AND fired_at IS NULL AND canceled_at IS NULL AND due_at <= $2
	  AND NOT EXISTS (SELECT 1 FROM schema_migrations m WHERE m.version > (SELECT CAST($3 AS BIGINT))) %s`
	qFireTimer = `UPDATE timers SET fired_at = $2 WHERE id = $1 AND fired_at IS NULL AND canceled_at IS NULL`
	// qDueTimers reads one kind's due timers (index timers_kind_due),
	// qDuePrefix those of a family of kinds.
	qDueTimers = `SELECT ` + timerCols + ` FROM timers
	WHERE kind = $3 AND fired_at IS NULL AND canceled_at IS NULL AND due_at <= $1 ORDER BY due_at, id LIMIT $2`
	qDuePrefix = `SELECT ` + timerCols + ` FROM timers
	WHERE fired_at IS NULL AND canceled_at IS NULL AND due_at <= $1 AND substr(kind, 1, $3) = $4
	ORDER BY due_at, id LIMIT $2`
	qTimers = `SELECT ` + timerCols + ` FROM timers WHERE incident = $1 ORDER BY kind, level`
)

// SetTimer creates or moves a pending timer.
func (t *tx) SetTimer(ctx context.Context, tm *bot.Timer) error {
	var id int64
	err := t.queryRow(ctx, qSetTimer, tm.Incident, tm.Kind, tm.Level, us(tm.DueAt), us(tm.CreatedAt)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("set timer %s %d of %s: %w", tm.Kind, tm.Level, bot.FormatKey(tm.Incident), err)
	}
	tm.ID = id
	return nil
}

// cancelKinds is how many kinds qCancelTimers takes: more than one change
// cancels (escalation and the four SLA kinds).
const cancelKinds = 5

// CancelTimers cancels an incident's pending timers of the kinds given,
// cancelKinds kinds a statement.
func (t *tx) CancelTimers(ctx context.Context, incident int64, kinds []string, at time.Time) (int, error) {
	total := 0
	for chunk := range slices.Chunk(kinds, cancelKinds) {
		args := []any{incident, us(at)}
		for i := range cancelKinds {
			args = append(args, chunk[min(i, len(chunk)-1)])
		}
		res, err := t.exec(ctx, qCancelTimers, args...)
		if err != nil {
			return 0, fmt.Errorf("cancel timers of %s: %w", bot.FormatKey(incident), err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("cancel timers of %s: %w", bot.FormatKey(incident), err)
		}
		total += int(n)
	}
	return total, nil
}

// ClaimTimer locks a pending, due timer; anything else is bot.ErrNotFound.
func (t *tx) ClaimTimer(ctx context.Context, id int64, now time.Time) (*bot.Timer, error) {
	tm, err := scanTimer(t.queryRow(ctx, qClaimTimer, id, us(now), t.s.latest))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("claim timer %d: %w", id, bot.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("claim timer %d: %w", id, err)
	}
	return &tm, nil
}

// FireTimer marks a pending timer fired.
func (t *tx) FireTimer(ctx context.Context, id int64, at time.Time) error {
	res, err := t.exec(ctx, qFireTimer, id, us(at))
	if err != nil {
		return fmt.Errorf("fire timer %d: %w", id, err)
	}
	return affected(res, fmt.Sprintf("fire timer %d", id))
}

// DueTimers lists the pending timers of the kinds k selects due at now,
// soonest first: one query per kind or prefix, merged.
func (s *Store) DueTimers(ctx context.Context, k bot.TimerKinds, now time.Time, limit int) ([]bot.Timer, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []bot.Timer
	read := func(q string, args ...any) error {
		rows, err := s.r.QueryContext(ctx, q, append([]any{us(now), int64(limit)}, args...)...)
		if err != nil {
			return fmt.Errorf("list due timers: %w", err)
		}
		ts, err := scanTimers(rows)
		out = append(out, ts...)
		return err
	}
	for _, kind := range k.Kinds {
		if err := read(qDueTimers, kind); err != nil {
			return nil, err
		}
	}
	for _, p := range k.Prefixes {
		if err := read(qDuePrefix, int64(len(p)), p); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b bot.Timer) int {
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Timers lists an incident's timers.
func (s *Store) Timers(ctx context.Context, incident int64) ([]bot.Timer, error) {
	rows, err := s.rquery(ctx, qTimers, incident)
	if err != nil {
		return nil, fmt.Errorf("list timers of %s: %w", bot.FormatKey(incident), err)
	}
	return scanTimers(rows)
}

func scanTimer(row scanner) (bot.Timer, error) {
	var (
		tm              bot.Timer
		due, created    int64
		fired, canceled sql.NullInt64
		level           int64
	)
	if err := row.Scan(&tm.ID, &tm.Incident, &tm.Kind, &level, &due, &fired, &canceled, &created); err != nil {
		return tm, err
	}
	tm.Level, tm.DueAt, tm.CreatedAt = int(level), fromUS(due), fromUS(created)
	tm.FiredAt, tm.CanceledAt = fromNullPtr(fired), fromNullPtr(canceled)
	return tm, nil
}

func scanTimers(rows *sql.Rows) ([]bot.Timer, error) {
	defer rows.Close()
	var out []bot.Timer
	for rows.Next() {
		tm, err := scanTimer(rows)
		if err != nil {
			return nil, fmt.Errorf("read timer: %w", err)
		}
		out = append(out, tm)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read timers: %w", err)
	}
	return out, nil
}
