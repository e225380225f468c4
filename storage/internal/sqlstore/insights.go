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

// Digest slots, postmortem drafts, export and import (migration 0005).

var (
	_ bot.InsightsReader = (*Store)(nil)
	_ bot.HistoryStore   = (*Store)(nil)
	_ bot.InsightsTx     = (*tx)(nil)
)

const (
	qClaimSlot = `INSERT INTO digest_runs (schedule, slot, owner, claimed_at) VALUES ($1, $2, $3, $4)
	ON CONFLICT (schedule, slot) DO NOTHING`
	qLastSlot = `SELECT MAX(slot) FROM digest_runs WHERE schedule = $1`
	// qSavePostmortem adds an incident's first draft; qLockPostmortem,
	// qDraftMessages, qUnpackMessage and qReplacePostmortem replace a
	// draft, after writing out in full the messages that refer to it
	// (messages.go's storedBody), all in the incident's channels.
	qSavePostmortem = `INSERT INTO postmortems (incident, body, generated_at, version) VALUES ($1, $2, $3, 1)
	ON CONFLICT (incident) DO NOTHING
	RETURNING version`
	qPostmortem        = `SELECT incident, body, generated_at, version FROM postmortems WHERE incident = $1`
	qLockPostmortem    = qPostmortem + ` %s` // Dialect.ForUpdate
	qDraftMessages     = `SELECT m.id, m.body FROM incident_channels l JOIN messages m ON m.channel = l.channel WHERE l.incident = $1 AND m.incident = $1`
	qUnpackMessage     = `UPDATE messages SET body = $2 WHERE id = $1`
	qReplacePostmortem = `UPDATE postmortems SET body = $2, generated_at = $3, version = version + 1 WHERE incident = $1 RETURNING version`
	qExport            = `SELECT ` + incidentCols + ` FROM incidents WHERE declared_at >= $1 ORDER BY number`
	qCountIncidents    = `SELECT COUNT(*) FROM incidents`
	qAdvanceCounter    = `UPDATE counters SET value = CASE WHEN value < $1 THEN $1 ELSE value END WHERE name = 'incident'`
)

// ClaimSlot records that a schedule's slot ran; a second claim answers false.
func (t *tx) ClaimSlot(ctx context.Context, schedule string, slot time.Time, owner string, at time.Time) (bool, error) {
	res, err := t.exec(ctx, qClaimSlot, schedule, us(slot), owner, us(at))
	if err != nil {
		return false, fmt.Errorf("claim digest slot %s %s: %w", schedule, slot.Format(time.RFC3339), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim digest slot: %w", err)
	}
	return n == 1, nil
}

// SavePostmortem stores or replaces an incident's draft.
func (t *tx) SavePostmortem(ctx context.Context, p *bot.Postmortem) error {
	body := packText(p.Body)
	err := t.queryRow(ctx, qSavePostmortem, p.Incident, body, us(p.GeneratedAt)).Scan(&p.Version)
	if errors.Is(err, sql.ErrNoRows) {
		err = t.replacePostmortem(ctx, p, body)
	}
	if err != nil {
		return fmt.Errorf("save postmortem of %s: %w", bot.FormatKey(p.Incident), err)
	}
	t.draft = &storedDraft{text: p.Body, packed: body}
	return nil
}

// replacePostmortem replaces an incident's draft with p, stored as body,
// after writing out in full each message that refers to the draft it
// replaces.
func (t *tx) replacePostmortem(ctx context.Context, p *bot.Postmortem, body []byte) error {
	old, err := scanPostmortem(t.queryRow(ctx, qLockPostmortem, p.Incident))
	if err != nil {
		return err
	}
	if err := t.writeOutDraft(ctx, old); err != nil {
		return err
	}
	return t.queryRow(ctx, qReplacePostmortem, p.Incident, body, us(p.GeneratedAt)).Scan(&p.Version)
}

// writeOutDrafts writes out in full the messages that refer to the
// incident's stored draft, if it has one, holding the draft (before one
// of its channels is unlinked).
func (t *tx) writeOutDrafts(ctx context.Context, incident int64) error {
	old, err := scanPostmortem(t.queryRow(ctx, qLockPostmortem, incident))
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return t.writeOutDraft(ctx, old)
}

// writeOutDraft writes out in full each message in the incident's
// channels that refers to old, its stored draft, which tx holds.
func (t *tx) writeOutDraft(ctx context.Context, old *bot.Postmortem) error {
	rows, err := t.query(ctx, qDraftMessages, old.Incident)
	if err != nil {
		return err
	}
	type message struct {
		id   int64
		body []byte
	}
	var refs []message
	for rows.Next() {
		var m message
		if err := rows.Scan(&m.id, &m.body); err != nil {
			rows.Close()
			return err
		}
		if v, ok := draftRefVersion(m.body); ok && v == old.Version {
			refs = append(refs, m)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, m := range refs {
		full, err := unpackDraftRef(m.body, old.Body)
		if err != nil {
			return fmt.Errorf("message %d: %w", m.id, err)
		}
		if _, err := t.exec(ctx, qUnpackMessage, m.id, nullBody(full)); err != nil {
			return fmt.Errorf("message %d: %w", m.id, err)
		}
	}
	return nil
}

// LastSlot is the newest claimed slot of a schedule.
func (s *Store) LastSlot(ctx context.Context, schedule string) (time.Time, bool, error) {
	var v sql.NullInt64
	if err := s.r.QueryRowContext(ctx, qLastSlot, schedule).Scan(&v); err != nil {
		return time.Time{}, false, fmt.Errorf("read last digest slot of %s: %w", schedule, err)
	}
	if !v.Valid {
		return time.Time{}, false, nil
	}
	return fromUS(v.Int64), true, nil
}

// Postmortem reads an incident's stored draft.
func (s *Store) Postmortem(ctx context.Context, incident int64) (*bot.Postmortem, error) {
	p, err := scanPostmortem(s.rqueryRow(ctx, qPostmortem, incident))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read postmortem of %s: %w", bot.FormatKey(incident), bot.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read postmortem of %s: %w", bot.FormatKey(incident), err)
	}
	return p, nil
}

// scanPostmortem reads one postmortems row (qPostmortem's columns).
func scanPostmortem(row scanner) (*bot.Postmortem, error) {
	var p bot.Postmortem
	var (
		at   int64
		body []byte
		err  error
	)
	if err := row.Scan(&p.Incident, &body, &at, &p.Version); err != nil {
		return nil, err
	}
	if p.Body, err = unpackText(body); err != nil {
		return nil, err
	}
	p.GeneratedAt = fromUS(at)
	return &p, nil
}

// ExportIncidents streams incidents declared at or after since, by number.
func (s *Store) ExportIncidents(ctx context.Context, since time.Time, fn func(*bot.Incident) error) error {
	from := int64(-1 << 62)
	if !since.IsZero() {
		from = us(since)
	}
	rows, err := s.r.QueryContext(ctx, qExport, from)
	if err != nil {
		return fmt.Errorf("export incidents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		inc, err := scanIncident(rows)
		if err != nil {
			return fmt.Errorf("export incidents: %w", err)
		}
		if err := fn(inc); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export incidents: %w", err)
	}
	return nil
}

// importBatch rows per INSERT: 25 columns each stays below both
// databases' parameter limits.
const importBatch = 1000

// ImportIncidents upserts incidents in one transaction, in multi-row
// batches, and moves the incident counter past the highest number. A row
// equal to the incident it would replace (all but its UpdatedAt, the
// import's time) leaves it alone: no new version, not counted as updated.
func (s *Store) ImportIncidents(ctx context.Context, next func() (*bot.Incident, error)) (created, updated int, err error) {
	cols := strings.Split(strings.Join(strings.Fields(incidentCols), ""), ",")
	var set, differs []string
	for _, c := range cols[1:] {
		switch c {
		case "channels", "alerts", "alerts_firing": // warroom's own, not in the file
		case "version":
			set = append(set, "version = incidents.version + 1")
		case "updated_at":
			set = append(set, c+" = excluded."+c)
		default:
			set = append(set, c+" = excluded."+c)
			differs = append(differs, "incidents."+c+" IS DISTINCT FROM excluded."+c)
		}
	}
	// SQLite binds $n parameters by looking their names up, which costs
	// O(params²) for a 23,000-parameter statement; positional ? costs nothing.
	positional := s.d.Name == "sqlite"
	stmt := func(n int) string {
		return "INSERT INTO incidents (" + strings.Join(cols, ", ") + ") VALUES " + valueRows(n, len(cols), positional) +
			" ON CONFLICT (number) DO UPDATE SET " + strings.Join(set, ", ") + " WHERE " + strings.Join(differs, " OR ")
	}
	full := stmt(importBatch)
	written := 0 // rows inserted or changed
	err = s.InTx(ctx, func(btx bot.Tx) error {
		t := btx.(*tx)
		var before int64
		if err := t.queryRow(ctx, qCountIncidents).Scan(&before); err != nil {
			return fmt.Errorf("count incidents: %w", err)
		}
		var fullStmt *sql.Stmt
		defer func() {
			if fullStmt != nil {
				_ = fullStmt.Close()
			}
		}()
		args := make([]any, 0, importBatch*len(cols))
		n, highest := 0, int64(0)
		flush := func() error {
			if n == 0 {
				return nil
			}
			var (
				err error
				res sql.Result
			)
			if n == importBatch {
				if fullStmt == nil {
					if fullStmt, err = t.tx.PrepareContext(t.use(ctx), full); err != nil {
						return fmt.Errorf("prepare import: %w", err)
					}
				}
				res, err = fullStmt.ExecContext(t.use(ctx), args...)
			} else {
				res, err = t.tx.ExecContext(t.use(ctx), stmt(n), args...)
			}
			if err != nil {
				return fmt.Errorf("import incidents: %w", err)
			}
			affected, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("import incidents: %w", err)
			}
			written += int(affected)
			args, n = args[:0], 0
			return nil
		}
		for {
			inc, err := next()
			if err != nil {
				return err
			}
			if inc == nil {
				break
			}
			a, err := incidentArgs(inc)
			if err != nil {
				return fmt.Errorf("import %s: %w", inc.Key(), err)
			}
			args = append(args, a...)
			n++
			highest = max(highest, inc.Number)
			if n == importBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		if _, err := t.exec(ctx, qAdvanceCounter, highest); err != nil {
			return fmt.Errorf("advance incident counter: %w", err)
		}
		var after int64
		if err := t.queryRow(ctx, qCountIncidents).Scan(&after); err != nil {
			return fmt.Errorf("count incidents: %w", err)
		}
		created = int(after - before)
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return created, written - created, nil
}
