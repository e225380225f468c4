package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
)

// Problem insights (bot/problem_insights.go): recurring incidents and the
// problems that cover them.

const (
	// The period's incidents (incidents_declared), each incident's alerts
	// through alerts_incident: no scan of all alerts.
	qRecurrenceRows = `SELECT DISTINCT i.number, i.service, COALESCE(a.rule, ''), i.declared_at,
		EXISTS (SELECT 1 FROM problem_incidents p WHERE p.incident = i.number), i.private
	FROM incidents i
	LEFT JOIN alerts a ON a.incident = i.number AND a.incident IS NOT NULL AND a.rule <> ''
	WHERE i.declared_at >= $1 AND i.declared_at < $2
	ORDER BY i.number, 3`
	qProblemRecurrence = `SELECT p.number, p.title, p.status, COUNT(i.number),
		COALESCE(SUM(CASE WHEN i.declared_at >= $1 AND i.declared_at < $2 THEN 1 ELSE 0 END), 0), MAX(i.declared_at)
	FROM problems p
	LEFT JOIN problem_incidents l ON l.problem = p.number
	LEFT JOIN incidents i ON i.number = l.incident
	GROUP BY p.number, p.title, p.status
	ORDER BY p.number DESC`
	qProblemCounts = `SELECT
		(SELECT COUNT(*) FROM problems WHERE status IN ('open', 'known-error')),
		(SELECT COUNT(*) FROM problem_actions WHERE status = 'open' AND due IS NOT NULL AND due < $1)`
)

// RecurrenceRows lists the incidents declared in [from, to), one row per alert rule.
func (s *Store) RecurrenceRows(ctx context.Context, from, to time.Time) ([]bot.RecurrenceRow, error) {
	rows, err := s.r.QueryContext(ctx, qRecurrenceRows, us(from), us(to))
	if err != nil {
		return nil, fmt.Errorf("read recurring incidents: %w", err)
	}
	return collect(rows, "recurring incidents", func(row scanner) (*bot.RecurrenceRow, error) {
		var (
			r  bot.RecurrenceRow
			at int64
		)
		if err := row.Scan(&r.Incident, &r.Service, &r.Rule, &at, &r.Linked, &r.Private); err != nil {
			return nil, err
		}
		r.DeclaredAt = fromUS(at)
		return &r, nil
	})
}

// ProblemRecurrence counts every problem's linked incidents.
func (s *Store) ProblemRecurrence(ctx context.Context, from, to time.Time) ([]bot.ProblemRecurrence, error) {
	rows, err := s.r.QueryContext(ctx, qProblemRecurrence, us(from), us(to))
	if err != nil {
		return nil, fmt.Errorf("count problem incidents: %w", err)
	}
	return collect(rows, "problem incidents", func(row scanner) (*bot.ProblemRecurrence, error) {
		var (
			r      bot.ProblemRecurrence
			status string
			last   sql.NullInt64
		)
		if err := row.Scan(&r.Problem, &r.Title, &status, &r.Linked, &r.InPeriod, &last); err != nil {
			return nil, err
		}
		r.Status, r.LastAt = bot.ProblemStatus(status), fromNullPtr(last)
		return &r, nil
	})
}

// ProblemCounts counts open problems and overdue problem action items at now.
func (s *Store) ProblemCounts(ctx context.Context, now time.Time) (open, overdue int64, err error) {
	if err := s.r.QueryRowContext(ctx, qProblemCounts, us(now)).Scan(&open, &overdue); err != nil {
		return 0, 0, fmt.Errorf("count problems: %w", err)
	}
	return open, overdue, nil
}
