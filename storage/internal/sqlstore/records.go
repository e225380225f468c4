package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/warroom/warroom/bot"
)

// Timeline entries and audit records: append-only rows of an incident.

const (
	qAddEntry = `INSERT INTO timeline (incident, at, kind, actor, text, data) VALUES ($1, $2, $3, $4, $5, $6)`
	qTimeline = `SELECT id, incident, at, kind, actor, text, data FROM timeline WHERE incident = $1 AND id > $2 ORDER BY id`
	qAddAudit = `INSERT INTO audit (at, actor, action, incident, before, after) VALUES ($1, $2, $3, $4, $5, $6)`
	qAudit    = `SELECT ` + auditReadCols + ` FROM audit%s ORDER BY id LIMIT $%d`
)

// AddEntry appends a timeline entry and sets e.ID.
func (t *tx) AddEntry(ctx context.Context, e *bot.Entry) error {
	data, err := entryData(string(e.Kind), e.Data)
	if err != nil {
		return err
	}
	text := storedEntryText(string(e.Kind), e.Text, e.Data)
	e.ID, err = t.insert(ctx, qAddEntry, e.Incident, us(e.At), string(e.Kind), e.Actor, text, data)
	if err != nil {
		return fmt.Errorf("insert timeline entry: %w", err)
	}
	if e.Kind != "" {
		t.entry = lastEntry{id: e.ID, incident: e.Incident, at: us(e.At), actor: e.Actor, kind: string(e.Kind), text: text, data: e.Data}
	}
	return nil
}

// AddAudit appends an audit record and sets a.ID.
func (t *tx) AddAudit(ctx context.Context, a *bot.AuditRecord) error {
	before, after, err := auditImages(a)
	if err != nil {
		return err
	}
	if joined, err := t.joinAudit(ctx, a, before, after); joined || err != nil {
		return err
	}
	// An incident's record; where records go to timeline (SQLite), one
	// whose incident does not exist inserts nothing there and goes to
	// audit with those without an incident.
	args := []any{us(a.At), a.Actor, a.Action, nullID(a.Incident), before, after}
	q := qAddAuditA
	if a.Incident != 0 {
		q = qAddAudit
	}
	if a.ID, err = t.insert(ctx, q, args...); err == nil && a.ID == 0 && q == qAddAudit && t.s.d.AuditInTimeline {
		a.ID, err = t.insert(ctx, qAddAuditA, args...)
	}
	if err != nil {
		return fmt.Errorf("insert audit record: %w", err)
	}
	return nil
}

// Timeline lists an incident's entries, oldest first; none for an unknown
// incident.
func (s *Store) Timeline(ctx context.Context, number int64) ([]bot.Entry, error) {
	return s.TimelineAfter(ctx, number, 0)
}

// TimelineAfter lists an incident's entries newer than the entry after
// (its ID), oldest first: one step in the index timeline_incident when
// there are none.
func (s *Store) TimelineAfter(ctx context.Context, number, after int64) ([]bot.Entry, error) {
	rows, err := s.rquery(ctx, qTimeline, number, after)
	if err != nil {
		return nil, fmt.Errorf("read timeline: %w", err)
	}
	defer rows.Close()
	var out []bot.Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read timeline: %w", err)
	}
	return out, nil
}

// scanEntry reads one timeline row (qTimeline's columns).
func scanEntry(row scanner) (*bot.Entry, error) {
	var (
		e          bot.Entry
		at         int64
		kind, data string
	)
	if err := row.Scan(&e.ID, &e.Incident, &at, &kind, &e.Actor, &e.Text, &data); err != nil {
		return nil, fmt.Errorf("read timeline: %w", err)
	}
	e.At, e.Kind = fromUS(at), bot.EntryKind(kind)
	if err := readEntryData(kind, data, &e.Data); err != nil {
		return nil, err
	}
	e.Text = readEntryText(kind, e.Text, e.Data)
	return &e, nil
}

// Audit lists audit records, oldest first: the first Limit of them.
func (s *Store) Audit(ctx context.Context, f bot.AuditFilter) ([]bot.AuditRecord, error) {
	q, args := s.d.records().auditQuery(f)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	defer rows.Close()
	var out []bot.AuditRecord
	for rows.Next() {
		a, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	return out, nil
}

// scanAudit reads one audit row (auditReadCols or joinedCols).
func scanAudit(row scanner) (*bot.AuditRecord, error) {
	var (
		a                               bot.AuditRecord
		at                              int64
		incident                        sql.NullInt64
		before, after, kind, text, data string
	)
	if err := row.Scan(&a.ID, &at, &a.Actor, &a.Action, &incident, &before, &after, &kind, &text, &data); err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	a.At, a.Incident = fromUS(at), incident.Int64
	if len(after) > 0 && after[0] == compactMark {
		var err error
		if after, err = readJoinedAfter(a.ID, after, kind, text, data); err != nil {
			return nil, err
		}
	}
	if err := readImages(&a, before, after); err != nil {
		return nil, err
	}
	return &a, nil
}

// Action items.

const actionCols = `id, incident, seq, title, owner, due, kind, status, ticket, created_at, done_at`

const (
	qAddAction = `INSERT INTO action_items (incident, seq, title, owner, due, kind, status, ticket, created_at, done_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
	qUpdateAction = `UPDATE action_items SET title = $2, owner = $3, due = $4, kind = $5, status = $6, ticket = $7, done_at = $8
	WHERE id = $1`
	qIncidentActions = `SELECT ` + actionCols + ` FROM action_items WHERE incident = $1 ORDER BY seq`
	qActions         = `SELECT ` + actionCols + ` FROM action_items`
)

func scanAction(row scanner) (bot.ActionItem, error) {
	var (
		a            bot.ActionItem
		due, doneAt  sql.NullInt64
		created      int64
		kind, status string
	)
	if err := row.Scan(&a.ID, &a.Incident, &a.Seq, &a.Title, &a.Owner, &due, &kind, &status, &a.Ticket, &created, &doneAt); err != nil {
		return a, err
	}
	a.Due, a.DoneAt, a.CreatedAt = fromNullPtr(due), fromNullPtr(doneAt), fromUS(created)
	a.Kind, a.Status = bot.ActionKind(kind), bot.ActionStatus(status)
	return a, nil
}

func scanActions(rows *sql.Rows) ([]bot.ActionItem, error) {
	defer rows.Close()
	var out []bot.ActionItem
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, fmt.Errorf("read action items: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read action items: %w", err)
	}
	return out, nil
}

// AddAction inserts an action item and sets a.ID. Seq is unique per incident.
func (t *tx) AddAction(ctx context.Context, a *bot.ActionItem) error {
	id, err := t.insert(ctx, qAddAction, a.Incident, a.Seq, a.Title, a.Owner, usPtr(a.Due), string(a.Kind), string(a.Status),
		a.Ticket, us(a.CreatedAt), usPtr(a.DoneAt))
	if err != nil {
		if t.s.d.IsUniqueViolation(err) {
			return bot.Errorf(bot.CodeConflict, "%s already has action item #%d", bot.FormatKey(a.Incident), a.Seq)
		}
		return fmt.Errorf("insert action item: %w", err)
	}
	a.ID = id
	return nil
}

// UpdateAction writes an action item's changeable fields, by ID.
func (t *tx) UpdateAction(ctx context.Context, a *bot.ActionItem) error {
	res, err := t.exec(ctx, qUpdateAction, a.ID, a.Title, a.Owner, usPtr(a.Due), string(a.Kind), string(a.Status), a.Ticket, usPtr(a.DoneAt))
	if err != nil {
		return fmt.Errorf("update action item: %w", err)
	}
	return affected(res, "update action item")
}

// IncidentActions lists an incident's action items by seq.
func (t *tx) IncidentActions(ctx context.Context, number int64) ([]bot.ActionItem, error) {
	rows, err := t.query(ctx, qIncidentActions, number)
	if err != nil {
		return nil, fmt.Errorf("read action items: %w", err)
	}
	return scanActions(rows)
}

// Actions lists action items in the order they were added.
func (s *Store) Actions(ctx context.Context, af bot.ActionFilter) ([]bot.ActionItem, error) {
	var f filter
	f.eq(af.Incident != 0, "incident", af.Incident)
	f.eq(af.Owner != "", "owner", af.Owner)
	f.eq(af.OpenOnly, "status", string(bot.ActionOpen))
	rows, err := s.r.QueryContext(ctx, qActions+f.where()+" ORDER BY id", f.args...)
	if err != nil {
		return nil, fmt.Errorf("read action items: %w", err)
	}
	return scanActions(rows)
}
