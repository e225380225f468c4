package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/warroom/warroom/bot"
)

// Problems, the incidents linked to them and their action items (schema
// 21). Problem statements are not on the hot paths, so they run unprepared
// (straight on the transaction), with their dialect parts filled in here.

const (
	problemCols       = `number, title, status, root_cause, workaround, owner, created_by, created_at, updated_at, resolved_at, closed_at, version, links`
	problemActionCols = `id, problem, seq, title, owner, due, kind, status, created_at, done_at`

	qNextProblem    = `UPDATE counters SET value = value + 1 WHERE name = 'problem' RETURNING value`
	qProblem        = `SELECT ` + problemCols + ` FROM problems WHERE number = $1`
	qCreateProblem  = `INSERT INTO problems (` + problemCols + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`
	qUpdateProblem  = `UPDATE problems SET title = $2, status = $3, root_cause = $4, workaround = $5, owner = $6, updated_at = $7, resolved_at = $8, closed_at = $9, version = $10, links = $11 WHERE number = $1`
	qLinkProblem    = `INSERT INTO problem_incidents (problem, incident, linked_at, linked_by) VALUES ($1, $2, $3, $4) ON CONFLICT (problem, incident) DO NOTHING`
	qUnlinkProblem  = `DELETE FROM problem_incidents WHERE problem = $1 AND incident = $2`
	qProblemLinks   = `SELECT problem, incident, linked_at, linked_by FROM problem_incidents`
	qAddProblemAct  = `INSERT INTO problem_actions (problem, seq, title, owner, due, kind, status, created_at, done_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`
	qUpdProblemAct  = `UPDATE problem_actions SET title = $2, owner = $3, due = $4, kind = $5, status = $6, done_at = $7 WHERE id = $1`
	qProblemActions = `SELECT ` + problemActionCols + ` FROM problem_actions`

	qAdvanceProblems = `UPDATE counters SET value = (SELECT COALESCE(MAX(number), 0) FROM problems) WHERE name = 'problem'`
)

func scanProblem(row scanner) (*bot.Problem, error) {
	var (
		p                  bot.Problem
		status             string
		created, updated   int64
		resolved, closedAt sql.NullInt64
		links              string
	)
	if err := row.Scan(&p.Number, &p.Title, &status, &p.RootCause, &p.Workaround, &p.Owner, &p.CreatedBy,
		&created, &updated, &resolved, &closedAt, &p.Version, &links); err != nil {
		return nil, err
	}
	if err := decode(links, &p.Links); err != nil {
		return nil, err
	}
	p.Status = bot.ProblemStatus(status)
	p.CreatedAt, p.UpdatedAt = fromUS(created), fromUS(updated)
	p.ResolvedAt, p.ClosedAt = fromNullPtr(resolved), fromNullPtr(closedAt)
	return &p, nil
}

func problemArgs(p *bot.Problem) ([]any, error) {
	links, err := encode(p.Links)
	if err != nil {
		return nil, err
	}
	return []any{p.Number, p.Title, string(p.Status), p.RootCause, p.Workaround, p.Owner, p.CreatedBy,
		us(p.CreatedAt), us(p.UpdatedAt), usPtr(p.ResolvedAt), usPtr(p.ClosedAt), p.Version, links}, nil
}

func scanProblemLink(row scanner) (*bot.ProblemLink, error) {
	var (
		l  bot.ProblemLink
		at int64
	)
	if err := row.Scan(&l.Problem, &l.Incident, &at, &l.LinkedBy); err != nil {
		return nil, err
	}
	l.LinkedAt = fromUS(at)
	return &l, nil
}

func scanProblemAction(row scanner) (*bot.ProblemAction, error) {
	var (
		a            bot.ProblemAction
		due, doneAt  sql.NullInt64
		created      int64
		kind, status string
	)
	if err := row.Scan(&a.ID, &a.Problem, &a.Seq, &a.Title, &a.Owner, &due, &kind, &status, &created, &doneAt); err != nil {
		return nil, err
	}
	a.Due, a.DoneAt, a.CreatedAt = fromNullPtr(due), fromNullPtr(doneAt), fromUS(created)
	a.Kind, a.Status = bot.ActionKind(kind), bot.ActionStatus(status)
	return &a, nil
}

// collect reads every row of rows through scan.
func collect[T any](rows *sql.Rows, what string, scan func(scanner) (*T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", what, err)
		}
		out = append(out, *v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	return out, nil
}

// filter collects the conditions of a WHERE clause and their arguments.
type filter struct {
	conds []string
	args  []any
}

// eq adds "col = value" when set is true.
func (f *filter) eq(set bool, col string, value any) {
	if set {
		f.args = append(f.args, value)
		f.conds = append(f.conds, fmt.Sprintf("%s = $%d", col, len(f.args)))
	}
}

// where is the WHERE clause ("" for none).
func (f *filter) where() string {
	if len(f.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(f.conds, " AND ")
}

// Problem reads one problem.
func (s *Store) Problem(ctx context.Context, number int64) (*bot.Problem, error) {
	p, err := scanProblem(s.r.QueryRowContext(ctx, qProblem, number))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bot.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read problem: %w", err)
	}
	return p, nil
}

// Problems lists the problems f selects, newest first.
func (s *Store) Problems(ctx context.Context, pf bot.ProblemFilter) ([]bot.Problem, error) {
	var f filter
	if len(pf.Statuses) > 0 {
		ph := make([]string, len(pf.Statuses))
		for i, st := range pf.Statuses {
			f.args = append(f.args, string(st))
			ph[i] = fmt.Sprintf("$%d", len(f.args))
		}
		f.conds = append(f.conds, "status IN ("+strings.Join(ph, ", ")+")")
	}
	f.eq(pf.Owner != "", "owner", pf.Owner)
	q := `SELECT ` + problemCols + ` FROM problems` + f.where() + ` ORDER BY number DESC`
	if pf.Limit > 0 {
		f.args = append(f.args, pf.Limit)
		q += fmt.Sprintf(" LIMIT $%d", len(f.args))
	}
	rows, err := s.r.QueryContext(ctx, q, f.args...)
	if err != nil {
		return nil, fmt.Errorf("read problems: %w", err)
	}
	return collect(rows, "problems", scanProblem)
}

// ProblemLinks lists links by problem, then incident.
func (s *Store) ProblemLinks(ctx context.Context, lf bot.ProblemLinkFilter) ([]bot.ProblemLink, error) {
	var f filter
	f.eq(lf.Problem != 0, "problem", lf.Problem)
	f.eq(lf.Incident != 0, "incident", lf.Incident)
	rows, err := s.r.QueryContext(ctx, qProblemLinks+f.where()+" ORDER BY problem, incident", f.args...)
	if err != nil {
		return nil, fmt.Errorf("read problem links: %w", err)
	}
	return collect(rows, "problem links", scanProblemLink)
}

// ProblemActions lists problem action items in the order they were added.
func (s *Store) ProblemActions(ctx context.Context, af bot.ProblemActionFilter) ([]bot.ProblemAction, error) {
	var f filter
	f.eq(af.Problem != 0, "problem", af.Problem)
	f.eq(af.Owner != "", "owner", af.Owner)
	f.eq(af.OpenOnly, "status", string(bot.ActionOpen))
	rows, err := s.r.QueryContext(ctx, qProblemActions+f.where()+" ORDER BY id", f.args...)
	if err != nil {
		return nil, fmt.Errorf("read problem action items: %w", err)
	}
	return collect(rows, "problem action items", scanProblemAction)
}

// NextProblemNumber bumps the problem counter; the row stays locked until
// the transaction ends, so numbers are gap-free.
func (t *tx) NextProblemNumber(ctx context.Context) (int64, error) {
	var n int64
	if err := t.tx.QueryRowContext(t.use(ctx), qNextProblem).Scan(&n); err != nil {
		return 0, fmt.Errorf("next problem number: %w", err)
	}
	return n, nil
}

// CreateProblem inserts p under its number.
func (t *tx) CreateProblem(ctx context.Context, p *bot.Problem) error {
	args, err := problemArgs(p)
	if err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(t.use(ctx), qCreateProblem, args...); err != nil {
		if t.s.d.IsUniqueViolation(err) {
			return bot.Errorf(bot.CodeConflict, "%s already exists", p.Key())
		}
		return fmt.Errorf("insert problem: %w", err)
	}
	return nil
}

// LockProblem reads a problem and holds it until the transaction ends.
func (t *tx) LockProblem(ctx context.Context, number int64) (*bot.Problem, error) {
	p, err := scanProblem(t.tx.QueryRowContext(t.use(ctx), qProblem+" "+t.s.d.ForUpdate, number))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bot.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("lock problem: %w", err)
	}
	return p, nil
}

// UpdateProblem writes a problem's changeable fields.
func (t *tx) UpdateProblem(ctx context.Context, p *bot.Problem) error {
	links, err := encode(p.Links)
	if err != nil {
		return err
	}
	res, err := t.tx.ExecContext(t.use(ctx), qUpdateProblem, p.Number, p.Title, string(p.Status), p.RootCause, p.Workaround,
		p.Owner, us(p.UpdatedAt), usPtr(p.ResolvedAt), usPtr(p.ClosedAt), p.Version, links)
	if err != nil {
		return fmt.Errorf("update problem: %w", err)
	}
	return affected(res, "update problem")
}

// LinkProblem links an incident to a problem; false when it was linked already.
func (t *tx) LinkProblem(ctx context.Context, l *bot.ProblemLink) (bool, error) {
	res, err := t.tx.ExecContext(t.use(ctx), qLinkProblem, l.Problem, l.Incident, us(l.LinkedAt), l.LinkedBy)
	if err != nil {
		return false, fmt.Errorf("link problem: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// UnlinkProblem removes a link; false when there was none.
func (t *tx) UnlinkProblem(ctx context.Context, problem, incident int64) (bool, error) {
	res, err := t.tx.ExecContext(t.use(ctx), qUnlinkProblem, problem, incident)
	if err != nil {
		return false, fmt.Errorf("unlink problem: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// AddProblemAction inserts a problem action item and sets a.ID.
func (t *tx) AddProblemAction(ctx context.Context, a *bot.ProblemAction) error {
	err := t.tx.QueryRowContext(t.use(ctx), qAddProblemAct, a.Problem, a.Seq, a.Title, a.Owner, usPtr(a.Due), string(a.Kind),
		string(a.Status), us(a.CreatedAt), usPtr(a.DoneAt)).Scan(&a.ID)
	if err != nil {
		if t.s.d.IsUniqueViolation(err) {
			return bot.Errorf(bot.CodeConflict, "%s already has action item #%d", bot.FormatProblemKey(a.Problem), a.Seq)
		}
		return fmt.Errorf("insert problem action item: %w", err)
	}
	return nil
}

// UpdateProblemAction writes a problem action item's changeable fields, by ID.
func (t *tx) UpdateProblemAction(ctx context.Context, a *bot.ProblemAction) error {
	res, err := t.tx.ExecContext(t.use(ctx), qUpdProblemAct, a.ID, a.Title, a.Owner, usPtr(a.Due), string(a.Kind), string(a.Status), usPtr(a.DoneAt))
	if err != nil {
		return fmt.Errorf("update problem action item: %w", err)
	}
	return affected(res, "update problem action item")
}

// ActionsOfProblem lists a problem's action items by seq.
func (t *tx) ActionsOfProblem(ctx context.Context, problem int64) ([]bot.ProblemAction, error) {
	rows, err := t.tx.QueryContext(t.use(ctx), qProblemActions+" WHERE problem = $1 ORDER BY seq", problem)
	if err != nil {
		return nil, fmt.Errorf("read problem action items: %w", err)
	}
	return collect(rows, "problem action items", scanProblemAction)
}
