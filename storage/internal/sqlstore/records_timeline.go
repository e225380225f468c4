package sqlstore

import (
	"context"
	"fmt"

	"github.com/warroom/warroom/bot"
)

// An incident's audit records in timeline (Dialect.AuditInTimeline,
// schema 35 on SQLite). The record of a change joins the row of the
// change's last entry (action, before and after set) when it has the
// entry's incident, time and actor, as a command's record does; else it
// is a row of its own with kind, text and data empty. Where records had a
// table of their own, a change wrote timeline, audit and an (incident, id)
// index of each. Records without an incident or naming one that does not
// exist, and every record written before schema 35 or imported from a
// bundle, are rows of audit. Ids are
// one past the highest of both tables, so the records of the two keep one
// order by id (a joined row's id is its entry's and its record's);
// counters' 'records' row is an id at or below which timeline holds no
// record.
const (
	auditCols = `id, at, actor, action, incident, before, after`
	// auditReadCols are the columns scanAudit reads: auditCols and the
	// kind, text and data of the entry a record joins ('' in audit), which some
	// records are read back with (joinedAfter).
	auditReadCols = auditCols + `, '', '', ''`
	joinedCols    = auditCols + `, kind, text, data`
	nextRecordID  = `(SELECT MAX(COALESCE((SELECT MAX(id) FROM timeline), 0), COALESCE((SELECT MAX(id) FROM audit), 0)) + 1)`
	recordsFrom   = `(SELECT value FROM counters WHERE name = 'records')`
	// isEntry holds for the rows of timeline that are entries: a record's
	// own row has an empty kind (an entry's is never empty where a record
	// joins it).
	isEntry = `(action IS NULL OR kind <> '')`

	qAddEntryT = `INSERT INTO timeline (id, incident, at, kind, actor, text, data) VALUES (` + nextRecordID + `, $1, $2, $3, $4, $5, $6)`
	qTimelineT = `SELECT id, incident, at, kind, actor, text, data FROM timeline WHERE incident = $1 AND id > $2 AND ` + isEntry + ` ORDER BY id`
	// A record of an incident that does not exist (an entry point's
	// record of a refused command) inserts nothing here and goes to audit.
	qAddAuditT = `INSERT INTO timeline (id, at, actor, action, incident, before, after, kind, text, data)
	SELECT ` + nextRecordID + `, $1, $2, $3, $4, $5, $6, '', '', '' WHERE EXISTS (SELECT 1 FROM incidents WHERE number = $4)`
	qJoinAudit  = `UPDATE timeline SET action = $2, before = $3, after = $4 WHERE id = $1 AND action IS NULL`
	qAddAuditA  = `INSERT INTO audit (` + auditCols + `) VALUES (` + nextRecordID + `, $1, $2, $3, $4, $5, $6)`
	qEachEntryT = `SELECT id, incident, at, kind, actor, text, data FROM timeline WHERE ` + isEntry + ` ORDER BY id`

	qAuditOfIncidentT = `SELECT ` + auditReadCols + ` FROM audit WHERE incident = $1 UNION ALL
	SELECT ` + joinedCols + ` FROM timeline WHERE incident = $1 AND action IS NOT NULL ORDER BY id LIMIT $2`
	qAuditAllT = `SELECT ` + auditReadCols + ` FROM audit UNION ALL
	SELECT ` + joinedCols + ` FROM timeline WHERE id > ` + recordsFrom + ` AND action IS NOT NULL ORDER BY id LIMIT $1`
	qEachAuditT = `SELECT ` + auditReadCols + ` FROM audit WHERE at >= $1 UNION ALL
	SELECT ` + joinedCols + ` FROM timeline WHERE id > ` + recordsFrom + ` AND action IS NOT NULL AND at >= $1 ORDER BY id`
	// After a bundle's import into an empty database every record is in
	// audit: the timeline's listing starts past the highest id written.
	qRecordsFromT = `UPDATE counters SET value = MAX(value, COALESCE((SELECT MAX(id) FROM timeline), 0),
	COALESCE((SELECT MAX(id) FROM audit), 0)) WHERE name = 'records'`
)

// lastEntry is a timeline row a record may join: its id, incident, time
// (microseconds), actor, kind, stored text and data; id 0 for none.
type lastEntry struct {
	id, incident, at  int64
	actor, kind, text string
	data              map[string]string
}

// joinAudit writes a's record into the row of tx's last entry when that
// entry is of the same incident, time and actor and holds no record yet,
// and reports whether it did (a.ID is then the entry's id).
func (t *tx) joinAudit(ctx context.Context, a *bot.AuditRecord, before, after string) (bool, error) {
	e := t.entry
	if !t.s.d.AuditInTimeline || e.id == 0 || e.incident != a.Incident || e.at != us(a.At) || e.actor != a.Actor {
		return false, nil
	}
	t.entry = lastEntry{}
	after, err := joinedAfter(e.kind, e.text, e.data, after)
	if err != nil {
		return false, fmt.Errorf("insert audit record: %w", err)
	}
	res, err := t.exec(ctx, qJoinAudit, e.id, a.Action, before, after)
	if err != nil {
		return false, fmt.Errorf("insert audit record: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	a.ID = e.id
	return true, nil
}

// recordSQL is the dialect's form of an entry's or a record's insert, or
// of the timeline's read (Store.sql).
func (d *Dialect) recordSQL(q string) string {
	if !d.AuditInTimeline {
		if q == qAddAuditA {
			return qAddAudit
		}
		return q
	}
	switch q {
	case qAddEntry:
		return qAddEntryT
	case qAddAudit:
		return qAddAuditT
	case qTimeline:
		return qTimelineT
	}
	return q
}

// recordQueries are the reads of entries and records for one dialect.
type recordQueries struct {
	eachEntry, eachAudit, auditOfIncident, auditAll string
}

func (d *Dialect) records() recordQueries {
	if d.AuditInTimeline {
		return recordQueries{eachEntry: qEachEntryT, eachAudit: qEachAuditT, auditOfIncident: qAuditOfIncidentT, auditAll: qAuditAllT}
	}
	return recordQueries{eachEntry: qEachEntry, eachAudit: qEachAudit,
		auditOfIncident: fmt.Sprintf(qAudit, " WHERE incident = $1", 2), auditAll: fmt.Sprintf(qAudit, "", 1)}
}

// auditQuery is the listing of f's records, with its arguments.
func (q recordQueries) auditQuery(f bot.AuditFilter) (string, []any) {
	if f.Incident != 0 {
		return q.auditOfIncident, []any{f.Incident, limitArg(f.Limit)}
	}
	return q.auditAll, []any{limitArg(f.Limit)}
}

// markRecordsFrom moves counters' 'records' row past every id a bundle's
// import wrote, where records live in timeline.
func (t *tx) markRecordsFrom(ctx context.Context) error {
	if !t.s.d.AuditInTimeline {
		return nil
	}
	if _, err := t.tx.ExecContext(ctx, qRecordsFromT); err != nil {
		return fmt.Errorf("mark the records imported: %w", err)
	}
	return nil
}
