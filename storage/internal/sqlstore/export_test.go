package sqlstore

import (
	"fmt"

	"github.com/warroom/warroom/bot"
)

// Statement is one SQL statement and its arguments, as the store runs it.
type Statement struct {
	SQL  string
	Args []any
}

// KPIStatements are the statements KPIRows (for one service and source)
// and KPIExtras run for q, by name.
func KPIStatements(q bot.KPIQuery, services []string) map[string]Statement {
	k := kpiSQL{q: q, services: services, unindexed: "+"} // as SQLite's dialect
	k.build()
	rowArgs := []any{"api", "alertmanager", us(q.From), us(q.To)}
	return map[string]Statement{
		"rows":         {qKPIRows, rowArgs},
		"counts":       {qKPICounts, rowArgs},
		"tiles":        {qKPITiles, rowArgs},
		"next source":  {qNextSource, []any{"api", "alertmanager"}},
		"next service": {qNextService, []any{"api"}},
		"open rows":    {qKPIOpen, []any{us(q.From), us(q.To)}},
		"breaches":     {k.breachesSQL(), k.args},
		"open":         {k.openSQL(), k.args[:k.nf]},
		"alerts":       {k.alertsSQL(), k.args[:k.nf]},
		"groups":       {k.groupsSQL(), k.args[:k.nf]},
		"actions":      {k.actionsSQL(), k.args[:k.nf]},
	}
}

// SearchStatements are the count and page statements SearchIncidents
// runs for q.
func (s *Store) SearchStatements(q bot.IncidentQuery) (count, page Statement) {
	c, p, ca, pa := s.searchSQL(q)
	return Statement{c, ca}, Statement{p, pa}
}

// ChannelStatements are the statements that read, write and link posted
// messages and channels (schema 30), by name, with arguments.
func ChannelStatements() map[string]Statement {
	pc := []any{"console", "inc-1-checkout"}
	return map[string]Statement{
		"message by ref":   {qMessageByRef, []any{"console", "card:INC-1"}},
		"messages":         {qMessages, []any{"console", "incidents", 50}},
		"message row":      {qMessageRow, []any{"console", "inc-1-checkout", originalHead, "card:INC-1"}},
		"message body":     {qMessageBody, []any{1}},
		"pay copy":         {qPayCopy, []any{2, []byte("x"), copyRef(1)}},
		"edit message":     {qEditMessage, []any{"console", "inc-1-checkout", "card:INC-1", "", 1, []byte("x"), 1}},
		"hold message":     {fmt.Sprintf(qHoldMessage, ""), []any{"console", "card:INC-1"}},
		"channel known":    {qChannelKnown, pc},
		"incident by chan": {qIncidentByChan, pc},
		"channel owner":    {qChannelOwner, pc},
		"unlink channel":   {qUnlinkChannel, []any{1, "console"}},
	}
}

// AlertStatements are the statements that read an incident's alerts, by
// name, with arguments.
func AlertStatements() map[string]Statement {
	return map[string]Statement{
		"alerts of incident":        {qAlertsOfIncident, []any{7, 0, "", 50}},
		"firing alerts of incident": {qAlertsOfIncident, []any{7, 0, "firing", 50}},
		"recurrence rules":          {qRecurrenceRules, []any{1, 100}},
	}
}

// RecordStatements are the reads of timeline entries and audit records on
// SQLite (schema 35), by name, with arguments.
func RecordStatements() map[string]Statement {
	d := Dialect{AuditInTimeline: true}
	q := d.records()
	return map[string]Statement{
		"timeline":          {qTimelineT, []any{1, 0}},
		"audit of incident": {q.auditOfIncident, []any{1, 50}},
		"audit":             {q.auditAll, []any{50}},
		"next id":           {"SELECT " + nextRecordID, nil},
	}
}

// CountByStatusStatement is the statement behind CountByStatus.
func CountByStatusStatement() Statement { return Statement{qCountByStatus, nil} }

// ClaimStatement is a claim of target's jobs as SQLite runs it.
func ClaimStatement(target string, now int64) Statement {
	return Statement{fmt.Sprintf(qClaim, ""), []any{"w", now + 1, now, int64(8), target, int64(1 << 30)}}
}
