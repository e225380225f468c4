package sqlstore

import (
	"context"
	"fmt"

	"github.com/warroom/warroom/bot"
)

// An incident's audit records as rows of timeline (Dialect.AuditInTimeline,
// schema 35 on SQLite). The record of a change lands beside the change's
// entry: the same leaf of timeline and of timeline_incident, where a table
// of its own wrote audit and audit_incident too. Such a row has action set
// and kind, text and data empty; entries have action NULL. Records without
// an incident, and every record written before schema 35 or imported from
// a bundle, are rows of audit. Ids are one past the highest of both tables,
// so the records of the two keep one order by id; counters' 'records' row
// is an id at or below which timeline holds no record.
const (
	auditCols    = `id, at, actor, action, incident, before, after`
	nextRecordID = `(SELECT MAX(COALESCE((SELECT MAX(id) FROM timeline), 0), COALESCE((SELECT MAX(id) FROM audit), 0)) + 1)`
	recordsFrom  = `(SELECT value FROM counters WHERE name = 'records')`

	qAddEntryT  = `INSERT INTO timeline (id, incident, at, kind, actor, text, data) VALUES (` + nextRecordID + `, $1, $2, $3, $4, $5, $6)`
	qTimelineT  = `SELECT id, incident, at, kind, actor, text, data FROM timeline WHERE incident = $1 AND id > $2 AND action IS NULL ORDER BY id`
	qAddAuditT  = `INSERT INTO timeline (id, at, actor, action, incident, before, after, kind, text, data) VALUES (` + nextRecordID + `, $1, $2, $3, $4, $5, $6, '', '', '')`
	qAddAuditA  = `INSERT INTO audit (` + auditCols + `) VALUES (` + nextRecordID + `, $1, $2, $3, $4, $5, $6)`
	qEachEntryT = `SELECT id, incident, at, kind, actor, text, data FROM timeline WHERE action IS NULL ORDER BY id`

	qAuditOfIncidentT = `SELECT ` + auditCols + ` FROM audit WHERE incident = $1 UNION ALL
	SELECT ` + auditCols + ` FROM timeline WHERE incident = $1 AND action IS NOT NULL ORDER BY id LIMIT $2`
	qAuditAllT = `SELECT ` + auditCols + ` FROM audit UNION ALL
	SELECT ` + auditCols + ` FROM timeline WHERE id > ` + recordsFrom + ` AND action IS NOT NULL ORDER BY id LIMIT $1`
	qEachAuditT = `SELECT ` + auditCols + ` FROM audit WHERE at >= $1 UNION ALL
	SELECT ` + auditCols + ` FROM timeline WHERE id > ` + recordsFrom + ` AND action IS NOT NULL AND at >= $1 ORDER BY id`
	// After a bundle's import into an empty database every record is in
	// audit: the timeline's listing starts past the highest id written.
	qRecordsFromT = `UPDATE counters SET value = MAX(value, COALESCE((SELECT MAX(id) FROM timeline), 0),
	COALESCE((SELECT MAX(id) FROM audit), 0)) WHERE name = 'records'`
)

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
