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

var _ bot.RecurrenceMarksReader = (*Store)(nil)

const (
	// The period's incidents (incidents_declared), each incident's alerts
	// through alerts_incident: no scan of all alerts.
	qRecurrenceRows = `SELECT DISTINCT i.number, i.service, COALESCE(a.rule, ''), i.declared_at,
		EXISTS (SELECT 1 FROM problem_incidents p WHERE p.incident = i.number), i.private
	FROM incidents i
	LEFT JOIN alerts a ON a.incident = i.number AND a.incident IS NOT NULL AND a.rule <> ''
	WHERE i.declared_at >= $1 AND i.declared_at < $2
	ORDER BY i.number, 3`
	// RecurrenceMarks' statements: ranges of problem_incidents_incident,
	// incidents_private and alerts_incident by incident number.
	qRecurrenceLinked  = `SELECT DISTINCT incident FROM problem_incidents WHERE incident >= $1 AND incident <= $2 ORDER BY incident`
	qRecurrencePrivate = `SELECT number FROM incidents WHERE private = TRUE AND number >= $1 AND number <= $2 ORDER BY number`
	qRecurrenceRules   = `SELECT incident, rule FROM alerts WHERE incident IS NOT NULL AND incident >= $1 AND incident <= $2 AND rule <> ''`
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

// RecurrenceMarks reads the links to problems, the privacy and the alert
// rules of the incidents numbered lo to hi.
func (s *Store) RecurrenceMarks(ctx context.Context, lo, hi int64) (bot.RecurrenceMarks, error) {
	var m bot.RecurrenceMarks
	numbers := func(q string, out *[]int64) error {
		return s.each(ctx, q, []any{lo, hi}, func(r *sql.Rows) error {
			var n int64
			if err := r.Scan(&n); err != nil {
				return err
			}
			*out = append(*out, n)
			return nil
		})
	}
	if err := numbers(qRecurrenceLinked, &m.Linked); err != nil {
		return m, fmt.Errorf("read linked incidents: %w", err)
	}
	if err := numbers(qRecurrencePrivate, &m.Private); err != nil {
		return m, fmt.Errorf("read private incidents: %w", err)
	}
	err := s.each(ctx, qRecurrenceRules, []any{lo, hi}, func(r *sql.Rows) error {
		var ir bot.IncidentRule
		if err := r.Scan(&ir.Incident, &ir.Rule); err != nil {
			return err
		}
		m.Rules = append(m.Rules, ir)
		return nil
	})
	if err != nil {
		return m, fmt.Errorf("read incidents' alert rules: %w", err)
	}
	return m, nil
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
