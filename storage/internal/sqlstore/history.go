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

// The whole history at once (bot.BundleStore): read in one snapshot,
// written in one transaction into an empty database, ids kept.

var _ bot.BundleStore = (*Store)(nil)

const (
	qEachWindow     = `SELECT ` + windowCols + `, start_announced_at, end_announced_at FROM maintenance_windows ORDER BY id`
	qEachIncident   = `SELECT ` + incidentCols + ` FROM incidents ORDER BY number`
	qEachEntry      = `SELECT id, incident, at, kind, actor, text, data FROM timeline ORDER BY id`
	qEachAction     = `SELECT ` + actionCols + ` FROM action_items ORDER BY id`
	qEachAlertGroup = `SELECT group_key, incident, updated_at FROM alert_groups ORDER BY group_key%s`
	qEachAlert      = `SELECT ` + alertReadCols + `, received_at FROM alerts ORDER BY id`
	qEachPostmortem = `SELECT incident, body, generated_at, version FROM postmortems ORDER BY incident`
	qEachTimer      = `SELECT ` + timerCols + ` FROM timers ORDER BY id`
	qEachAudit      = `SELECT ` + auditReadCols + ` FROM audit WHERE at >= $1 ORDER BY id`

	// The heads of the INSERTs a bundle's rows are written with, a batch
	// of rows each (valueRows).
	qPutWindow     = `INSERT INTO maintenance_windows (` + windowCols + `, start_announced_at, end_announced_at) VALUES `
	qPutIncident   = `INSERT INTO incidents (` + incidentCols + `) VALUES `
	qPutEntry      = `INSERT INTO timeline (id, incident, at, kind, actor, text, data) VALUES `
	qPutAction     = `INSERT INTO action_items (` + actionCols + `) VALUES `
	qPutAlert      = `INSERT INTO alerts (` + alertCols + `, received_at) VALUES `
	qPutGroup      = `INSERT INTO alert_groups (group_key, incident, updated_at) VALUES `
	qPutPostmortem = `INSERT INTO postmortems (incident, body, generated_at, version) VALUES `
	qPutTimer      = `INSERT INTO timers (` + timerCols + `) VALUES `
	qPutAudit      = `INSERT INTO audit (id, at, actor, action, incident, before, after) VALUES `
)

// historyTables are the tables a bundle fills; identity marks those with
// an id sequence.
var historyTables = []struct {
	name     string
	identity bool
}{
	{"maintenance_windows", true}, {"incidents", false}, {"timeline", true}, {"action_items", true},
	{"alert_groups", false}, {"alerts", true}, {"postmortems", false}, {"timers", true}, {"audit", true},
	{"problems", false}, {"problem_incidents", false}, {"problem_actions", true},
}

// ReadHistory runs fn in one read-only transaction: one snapshot of the
// database however long the export takes.
func (s *Store) ReadHistory(ctx context.Context, fn func(bot.HistoryReader) error) error {
	sqltx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer func() { _ = sqltx.Rollback() }()
	return fn(historyReader{s: s, tx: sqltx})
}

type historyReader struct {
	s  *Store
	tx *sql.Tx
}

// eachRow streams the rows of q through scan to fn.
func eachRow[T any](ctx context.Context, tx *sql.Tx, what, q string, scan func(scanner) (*T, error), fn func(*T) error, args ...any) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return fmt.Errorf("read %s: %w", what, err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	return nil
}

// extra scans a row's trailing columns into more, after the leading ones.
type extra struct {
	row  scanner
	more []any
}

func (e extra) Scan(dest ...any) error { return e.row.Scan(append(dest, e.more...)...) }

func (r historyReader) EachWindow(ctx context.Context, fn func(*bot.StoredWindow) error) error {
	return eachRow(ctx, r.tx, "maintenance windows", qEachWindow, func(row scanner) (*bot.StoredWindow, error) {
		var start, end sql.NullInt64
		w, err := scanWindow(extra{row, []any{&start, &end}})
		if err != nil {
			return nil, err
		}
		return &bot.StoredWindow{MaintenanceWindow: *w, StartAnnouncedAt: fromNullPtr(start), EndAnnouncedAt: fromNullPtr(end)}, nil
	}, fn)
}

func (r historyReader) EachIncident(ctx context.Context, fn func(*bot.Incident) error) error {
	return eachRow(ctx, r.tx, "incidents", qEachIncident, scanIncident, fn)
}

func (r historyReader) EachEntry(ctx context.Context, fn func(*bot.Entry) error) error {
	return eachRow(ctx, r.tx, "timeline", r.s.d.records().eachEntry, scanEntry, fn)
}

func (r historyReader) EachAction(ctx context.Context, fn func(*bot.ActionItem) error) error {
	return eachRow(ctx, r.tx, "action items", qEachAction, func(row scanner) (*bot.ActionItem, error) {
		a, err := scanAction(row)
		return &a, err
	}, fn)
}

func (r historyReader) EachAlertGroup(ctx context.Context, fn func(*bot.AlertGroup) error) error {
	return eachRow(ctx, r.tx, "alert groups", fmt.Sprintf(qEachAlertGroup, r.s.d.Bytewise), func(row scanner) (*bot.AlertGroup, error) {
		var (
			g  bot.AlertGroup
			at int64
		)
		if err := row.Scan(&g.Key, &g.Incident, &at); err != nil {
			return nil, err
		}
		g.UpdatedAt = fromUS(at)
		return &g, nil
	}, fn)
}

func (r historyReader) EachAlert(ctx context.Context, fn func(*bot.StoredAlert) error) error {
	return eachRow(ctx, r.tx, "alerts", qEachAlert, func(row scanner) (*bot.StoredAlert, error) {
		var received int64
		a, err := scanAlert(extra{row, []any{&received}})
		if err != nil {
			return nil, err
		}
		return &bot.StoredAlert{Alert: *a, ReceivedAt: fromUS(received)}, nil
	}, fn)
}

func (r historyReader) EachPostmortem(ctx context.Context, fn func(*bot.Postmortem) error) error {
	return eachRow(ctx, r.tx, "postmortems", qEachPostmortem, scanPostmortem, fn)
}

func (r historyReader) EachTimer(ctx context.Context, fn func(*bot.Timer) error) error {
	return eachRow(ctx, r.tx, "timers", qEachTimer, func(row scanner) (*bot.Timer, error) {
		t, err := scanTimer(row)
		return &t, err
	}, fn)
}

func (r historyReader) EachAudit(ctx context.Context, since time.Time, fn func(*bot.AuditRecord) error) error {
	from := int64(-1 << 62)
	if !since.IsZero() {
		from = us(since)
	}
	return eachRow(ctx, r.tx, "audit", r.s.d.records().eachAudit, scanAudit, fn, from)
}

// WriteHistory runs fn in one transaction on an empty database, then
// moves the incident counter and the id sequences past what fn wrote.
func (s *Store) WriteHistory(ctx context.Context, fn func(bot.HistoryWriter) error) error {
	return s.InTx(ctx, func(btx bot.Tx) error {
		t := btx.(*tx)
		var held []string
		for _, tb := range historyTables {
			var one int
			err := t.tx.QueryRowContext(ctx, "SELECT 1 FROM "+tb.name+" LIMIT 1").Scan(&one)
			switch {
			case err == nil:
				held = append(held, tb.name)
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("check that %s is empty: %w", tb.name, err)
			}
		}
		if len(held) > 0 {
			return bot.Errorf(bot.CodeConflict, "the database holds history already (%s): a bundle is imported only into an empty database",
				strings.Join(held, ", "))
		}
		w := &historyWriter{t: t, stmts: map[string]*sql.Stmt{}, positional: s.d.Name == "sqlite"}
		defer w.close()
		if err := fn(w); err != nil {
			return err
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		if _, err := t.exec(ctx, qAdvanceCounter, w.highest); err != nil {
			return fmt.Errorf("advance incident counter: %w", err)
		}
		if _, err := t.tx.ExecContext(ctx, qAdvanceProblems); err != nil {
			return fmt.Errorf("advance problem counter: %w", err)
		}
		if err := t.markRecordsFrom(ctx); err != nil {
			return err
		}
		if s.d.ResetIdentity == "" {
			return nil
		}
		for _, tb := range historyTables {
			if !tb.identity {
				continue
			}
			if _, err := t.tx.ExecContext(ctx, fmt.Sprintf(s.d.ResetIdentity, tb.name)); err != nil {
				return fmt.Errorf("move the id sequence of %s: %w", tb.name, err)
			}
		}
		return nil
	})
}

// historyWriter writes rows as given, in multi-row INSERTs: the rows of
// one kind are held until a batch is full or a row of another kind comes
// (a bundle's rows come kind by kind), and written at once.
type historyWriter struct {
	t          *tx
	stmts      map[string]*sql.Stmt // the full batch of each head, prepared once per import
	positional bool                 // ? placeholders (SQLite binds $n by name, slowly)

	head, what string // the batch's INSERT head, and its rows' name for errors
	cols, n    int    // values a row, rows held
	args       []any
	links      [][3]any // channel links of the held incidents: platform, channel, number
	highest    int64    // the highest incident number written
}

// batchRows is how many rows of cols values one INSERT takes: below both
// databases' parameter limits.
func batchRows(cols int) int { return max(1, min(500, 30000/cols)) }

// add holds one row of head, writing the held rows first when they are of
// another head, and the batch when it is full.
func (w *historyWriter) add(ctx context.Context, what, head string, args ...any) error {
	if head != w.head {
		if err := w.flush(ctx); err != nil {
			return err
		}
		w.head, w.what, w.cols = head, what, len(args)
	}
	w.args = append(w.args, args...)
	w.n++
	if w.n == batchRows(w.cols) {
		return w.flush(ctx)
	}
	return nil
}

// flush writes the held rows, then the channel links of held incidents.
func (w *historyWriter) flush(ctx context.Context) error {
	if w.n == 0 {
		return nil
	}
	var err error
	if w.n == batchRows(w.cols) {
		st := w.stmts[w.head]
		if st == nil {
			if st, err = w.t.tx.PrepareContext(ctx, w.head+valueRows(w.n, w.cols, w.positional)); err != nil {
				return fmt.Errorf("write %s: %w", w.what, err)
			}
			w.stmts[w.head] = st
		}
		_, err = st.ExecContext(ctx, w.args...)
	} else {
		_, err = w.t.tx.ExecContext(ctx, w.head+valueRows(w.n, w.cols, w.positional), w.args...)
	}
	if err != nil {
		return fmt.Errorf("write %d %s rows: %w", w.n, w.what, err)
	}
	w.args, w.n = w.args[:0], 0
	for _, l := range w.links {
		if _, err := w.t.linkChannel(ctx, l[0].(string), l[1].(string), l[2].(int64)); err != nil {
			return fmt.Errorf("link channel of %s: %w", bot.FormatKey(l[2].(int64)), err)
		}
	}
	w.links = w.links[:0]
	return nil
}

func (w *historyWriter) close() {
	for _, st := range w.stmts {
		_ = st.Close()
	}
}

func (w *historyWriter) PutWindow(ctx context.Context, mw *bot.StoredWindow) error {
	matchers, err := encode(mw.Matchers)
	if err != nil {
		return err
	}
	return w.add(ctx, "maintenance window", qPutWindow, mw.ID, nullStr(mw.Name), matchers, us(mw.StartsAt), us(mw.EndsAt),
		usPtr(mw.EndedAt), mw.CreatedBy, mw.Comment, us(mw.CreatedAt), mw.Suppressed, usPtr(mw.StartAnnouncedAt), usPtr(mw.EndAnnouncedAt))
}

func (w *historyWriter) PutIncident(ctx context.Context, inc *bot.Incident) error {
	args, err := incidentArgs(inc)
	if err != nil {
		return fmt.Errorf("write %s: %w", inc.Key(), err)
	}
	if err := w.add(ctx, "incident", qPutIncident, args...); err != nil {
		return err
	}
	for platform, channel := range inc.Channels {
		w.links = append(w.links, [3]any{platform, channel, inc.Number})
	}
	w.highest = max(w.highest, inc.Number)
	return nil
}

func (w *historyWriter) PutEntry(ctx context.Context, e *bot.Entry) error {
	data, err := entryData(string(e.Kind), e.Data)
	if err != nil {
		return err
	}
	text := storedEntryText(string(e.Kind), e.Text, e.Data)
	return w.add(ctx, "timeline entry", qPutEntry, e.ID, e.Incident, us(e.At), string(e.Kind), e.Actor, text, data)
}

func (w *historyWriter) PutAction(ctx context.Context, a *bot.ActionItem) error {
	return w.add(ctx, "action item", qPutAction, a.ID, a.Incident, a.Seq, a.Title, a.Owner, usPtr(a.Due), string(a.Kind),
		string(a.Status), a.Ticket, us(a.CreatedAt), usPtr(a.DoneAt))
}

func (w *historyWriter) PutAlertGroup(ctx context.Context, g *bot.AlertGroup) error {
	return w.add(ctx, "alert group", qPutGroup, g.Key, g.Incident, us(g.UpdatedAt))
}

func (w *historyWriter) PutAlert(ctx context.Context, a *bot.StoredAlert) error {
	labels, err := encode(a.Labels)
	if err != nil {
		return err
	}
	ann, err := encode(a.Annotations)
	if err != nil {
		return err
	}
	return w.add(ctx, "alert", qPutAlert, a.ID, a.Source, a.Fingerprint, us(a.StartsAt), a.GroupKey, string(a.Status), a.Title,
		labels, ann, usPtr(a.EndsAt), a.URL, nullID(a.Incident), nullID(a.Window), a.Rule, us(a.ReceivedAt))
}

func (w *historyWriter) PutPostmortem(ctx context.Context, p *bot.Postmortem) error {
	return w.add(ctx, "postmortem", qPutPostmortem, p.Incident, packText(p.Body), us(p.GeneratedAt), p.Version)
}

func (w *historyWriter) PutTimer(ctx context.Context, tm *bot.Timer) error {
	return w.add(ctx, "timer", qPutTimer, tm.ID, tm.Incident, tm.Kind, tm.Level, us(tm.DueAt), usPtr(tm.FiredAt),
		usPtr(tm.CanceledAt), us(tm.CreatedAt))
}

func (w *historyWriter) PutAudit(ctx context.Context, a *bot.AuditRecord) error {
	before, after, err := auditImages(a)
	if err != nil {
		return err
	}
	return w.add(ctx, "audit record", qPutAudit, a.ID, us(a.At), a.Actor, a.Action, nullID(a.Incident), before, after)
}
