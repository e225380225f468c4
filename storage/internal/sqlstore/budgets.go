package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
)

// Budgets live in one table, a row per bucket or held integration (schema
// 8). Every change reads the row under its lock and writes it back in one
// transaction, so replicas sharing the database take turns on it: two never
// take the same pacing slot, nor both probe a held integration. Taking a
// slot, the hot one, is a single upsert whose WHERE is the slot rule, as
// atomic on the row. Reads that change nothing (is it paused, is it held)
// take no lock.

const budgetCols = `paused_until, tat, held_since, reason, probe_at, backoff`

const (
	qBudgetEnsure = `INSERT INTO budgets (bucket) VALUES ($1) ON CONFLICT (bucket) DO NOTHING`
	// qBudgetLock reads a row and holds it; %s is Dialect.ForUpdate.
	qBudgetLock  = `SELECT ` + budgetCols + ` FROM budgets WHERE bucket = $1 %s`
	qBudgetRead  = `SELECT ` + budgetCols + ` FROM budgets WHERE bucket = $1`
	qBudgetWrite = `UPDATE budgets SET paused_until = $2, tat = $3, held_since = $4, reason = $5, probe_at = $6, backoff = $7
	WHERE bucket = $1`
	// qBudgetTake takes one pacing slot in one statement (the arithmetic of
	// takeSlot, in SQL): $2 now, $3 every, $4 (burst-1)*every. It returns
	// the row only when it took the slot.
	qBudgetTake = `INSERT INTO budgets (bucket, tat) VALUES ($1, CAST($2 AS BIGINT) + CAST($3 AS BIGINT))
	ON CONFLICT (bucket) DO UPDATE SET tat = (CASE WHEN budgets.tat > CAST($2 AS BIGINT) THEN budgets.tat ELSE CAST($2 AS BIGINT) END) + CAST($3 AS BIGINT)
	WHERE budgets.paused_until <= CAST($2 AS BIGINT)
		AND (CASE WHEN budgets.tat > CAST($2 AS BIGINT) THEN budgets.tat ELSE CAST($2 AS BIGINT) END) - CAST($2 AS BIGINT) - CAST($4 AS BIGINT) <= 0
	RETURNING tat`
	// qBudgetCheck reads what holds a call back before it takes a slot:
	// its integration's hold and its bucket's pause, in one statement.
	qBudgetCheck = `SELECT bucket, paused_until, held_since, probe_at FROM budgets WHERE bucket IN ($1, $2)`
	qBudgetHeld  = `SELECT bucket, reason, held_since, probe_at FROM budgets WHERE held_since IS NOT NULL ORDER BY bucket`
	qBudgetPrune = `DELETE FROM budgets WHERE held_since IS NULL AND paused_until < $1 AND tat < $1`
)

// budget is one row of budgets, times in Unix microseconds.
type budget struct {
	pausedUntil, tat int64
	heldSince        sql.NullInt64
	reason           string
	probeAt, backoff int64
}

func scanBudget(row *sql.Row) (budget, bool, error) {
	var b budget
	err := row.Scan(&b.pausedUntil, &b.tat, &b.heldSince, &b.reason, &b.probeAt, &b.backoff)
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	return b, err == nil, err
}

// readBudget reads bucket's row without locking it; found is false when
// there is none.
func (s *Store) readBudget(ctx context.Context, bucket string) (budget, bool, error) {
	return scanBudget(s.rqueryRow(ctx, qBudgetRead, bucket))
}

// changeBudget runs fn on bucket's row (created empty if missing) under
// the row's lock, and writes it back when fn reports a change.
func (s *Store) changeBudget(ctx context.Context, bucket string, fn func(b *budget) bool) error {
	sqltx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() { _ = sqltx.Rollback() }()
	t := &tx{s: s, tx: sqltx}
	if _, err := t.exec(ctx, qBudgetEnsure, bucket); err != nil {
		return err
	}
	b, _, err := scanBudget(t.queryRow(ctx, qBudgetLock, bucket))
	if err != nil {
		return err
	}
	if fn(&b) {
		if _, err := t.exec(ctx, qBudgetWrite, bucket, b.pausedUntil, b.tat, b.heldSince, b.reason, b.probeAt, b.backoff); err != nil {
			return err
		}
	}
	if err := sqltx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// PauseBucket pauses bucket until until, unless a later pause is set.
func (s *Store) PauseBucket(ctx context.Context, bucket string, until time.Time) error {
	err := s.changeBudget(ctx, bucket, func(b *budget) bool {
		if u := us(until); u > b.pausedUntil {
			b.pausedUntil = u
			return true
		}
		return false
	})
	if err != nil {
		return fmt.Errorf("pause %s: %w", bucket, err)
	}
	return nil
}

// BucketPause returns how long bucket stays paused after now.
func (s *Store) BucketPause(ctx context.Context, bucket string, now time.Time) (time.Duration, error) {
	b, _, err := s.readBudget(ctx, bucket)
	if err != nil {
		return 0, fmt.Errorf("read pause of %s: %w", bucket, err)
	}
	return max(time.Duration(b.pausedUntil-us(now))*time.Microsecond, 0), nil
}

// TakeSlot takes one slot of bucket, paced at one per every with bursts of
// burst (the generic cell rate algorithm: tat is when the next slot is due
// at the steady pace; a slot is free while tat runs at most burst-1 slots
// ahead of now). Taking a free slot is one statement; only a call that
// must wait reads the row again, to say how long.
func (s *Store) TakeSlot(ctx context.Context, bucket string, now time.Time, every time.Duration, burst int) (time.Duration, error) {
	n, e := us(now), every.Microseconds()
	ahead := int64(max(burst, 1)-1) * e
	for range 2 {
		// one statement in a transaction of its own: a group commit's
		// savepoints would cost it more round trips than it saves
		taken, err := s.takeSlotOnce(ctx, bucket, n, e, ahead)
		if err != nil {
			return 0, fmt.Errorf("take a slot of %s: %w", bucket, err)
		}
		if taken {
			return 0, nil
		}
		b, _, err := s.readBudget(ctx, bucket)
		if err != nil {
			return 0, fmt.Errorf("take a slot of %s: %w", bucket, err)
		}
		if wait := takeSlot(&b, n, e, int64(max(burst, 1))); wait > 0 {
			return wait, nil
		}
		// the slot came free between the two statements: take it
	}
	return every, nil
}

// takeSlotOnce runs qBudgetTake on the writer, reporting whether it took
// the slot.
func (s *Store) takeSlotOnce(ctx context.Context, bucket string, now, every, ahead int64) (bool, error) {
	rows, err := s.wquery(ctx, qBudgetTake, bucket, now, every, ahead)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	taken := rows.Next()
	return taken, rows.Err()
}

// CheckCall reads integration's hold and bucket's pause in one statement.
func (s *Store) CheckCall(ctx context.Context, integration, bucket string, now time.Time) (bot.CallCheck, error) {
	var c bot.CallCheck
	rows, err := s.rquery(ctx, qBudgetCheck, integration, bucket)
	if err != nil {
		return c, fmt.Errorf("read budgets of %s: %w", bucket, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			name                 string
			pausedUntil, probeAt int64
			held                 sql.NullInt64
		)
		if err := rows.Scan(&name, &pausedUntil, &held, &probeAt); err != nil {
			return c, fmt.Errorf("read budgets of %s: %w", bucket, err)
		}
		if name == integration && held.Valid {
			c.Held, c.ProbeIn = true, max(time.Duration(probeAt-us(now))*time.Microsecond, 0)
		}
		if name == bucket {
			c.Paused = max(time.Duration(pausedUntil-us(now))*time.Microsecond, 0)
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("read budgets of %s: %w", bucket, err)
	}
	return c, nil
}

// takeSlot is TakeSlot's arithmetic on one row, in microseconds.
func takeSlot(b *budget, now, every, burst int64) time.Duration {
	if b.pausedUntil > now {
		return time.Duration(b.pausedUntil-now) * time.Microsecond
	}
	tat := max(b.tat, now)
	if ahead := tat - now - (burst-1)*every; ahead > 0 {
		return time.Duration(ahead) * time.Microsecond
	}
	b.tat = tat + every
	return 0
}

// HoldIntegration holds integration, or backs off its next probe after a
// failed one.
func (s *Store) HoldIntegration(ctx context.Context, integration, reason string, now time.Time, backoff bot.ProbeBackoff, probed bool) (bool, error) {
	var first bool
	err := s.changeBudget(ctx, integration, func(b *budget) bool {
		switch {
		case !b.heldSince.Valid:
			first = true
			b.heldSince = sql.NullInt64{Int64: us(now), Valid: true}
			b.backoff = backoff.First.Microseconds()
		case probed:
			b.backoff = min(b.backoff*2, backoff.Max.Microseconds())
		default:
			return false
		}
		b.reason = reason
		b.probeAt = us(now) + b.backoff
		return true
	})
	if err != nil {
		return false, fmt.Errorf("hold %s: %w", integration, err)
	}
	return first, nil
}

// AdmitIntegration says whether a call of integration may go now, and
// whether it is the probe of a held integration.
func (s *Store) AdmitIntegration(ctx context.Context, integration string, now time.Time) (time.Duration, bool, error) {
	b, _, err := s.readBudget(ctx, integration)
	if err != nil {
		return 0, false, fmt.Errorf("read hold of %s: %w", integration, err)
	}
	if !b.heldSince.Valid {
		return 0, false, nil
	}
	if b.probeAt > us(now) {
		return time.Duration(b.probeAt-us(now)) * time.Microsecond, false, nil
	}
	var (
		wait  time.Duration
		probe bool
	)
	err = s.changeBudget(ctx, integration, func(b *budget) bool {
		switch {
		case !b.heldSince.Valid: // healed meanwhile
			return false
		case b.probeAt > us(now): // another caller probes
			wait = time.Duration(b.probeAt-us(now)) * time.Microsecond
			return false
		}
		probe = true
		b.probeAt = us(now) + b.backoff
		return true
	})
	if err != nil {
		return 0, false, fmt.Errorf("probe %s: %w", integration, err)
	}
	return wait, probe, nil
}

// HealIntegration lifts integration's hold.
func (s *Store) HealIntegration(ctx context.Context, integration string) (bool, error) {
	var healed bool
	err := s.changeBudget(ctx, integration, func(b *budget) bool {
		healed = b.heldSince.Valid
		b.heldSince, b.reason, b.probeAt, b.backoff = sql.NullInt64{}, "", 0, 0
		return healed
	})
	if err != nil {
		return false, fmt.Errorf("heal %s: %w", integration, err)
	}
	return healed, nil
}

// HeldIntegrations lists the integrations held now.
func (s *Store) HeldIntegrations(ctx context.Context) ([]bot.IntegrationHold, error) {
	rows, err := s.r.QueryContext(ctx, qBudgetHeld)
	if err != nil {
		return nil, fmt.Errorf("list held integrations: %w", err)
	}
	defer rows.Close()
	var out []bot.IntegrationHold
	for rows.Next() {
		var (
			h              bot.IntegrationHold
			since, probeAt int64
		)
		if err := rows.Scan(&h.Integration, &h.Reason, &since, &probeAt); err != nil {
			return nil, fmt.Errorf("list held integrations: %w", err)
		}
		h.Since, h.ProbeAt = fromUS(since), fromUS(probeAt)
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list held integrations: %w", err)
	}
	return out, nil
}

// PruneBudgets forgets buckets with nothing left in them before before.
func (s *Store) PruneBudgets(ctx context.Context, before time.Time) (int, error) {
	res, err := s.wexec(ctx, qBudgetPrune, us(before))
	if err != nil {
		return 0, fmt.Errorf("prune budgets: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune budgets: %w", err)
	}
	return int(n), nil
}
