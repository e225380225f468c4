package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/warroom/warroom/bot"
)

const incidentCols = `number, title, summary, impact, service, source, severity, status, private,
	started_at, declared_at, acknowledged_at, mitigated_at, resolved_at, closed_at, updated_at, last_update_at,
	roles, channels, links, version, alerts, alerts_firing, announce, responders, route, type, fields`

const (
	qNextNumber     = `UPDATE counters SET value = value + 1 WHERE name = 'incident' RETURNING value`
	qCreateIncident = `INSERT INTO incidents (` + incidentCols + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28)`
	qIncident       = `SELECT ` + incidentCols + ` FROM incidents WHERE number = $1`
	qLockIncident   = qIncident + ` %s` // Dialect.ForUpdate
	qIncidentByChan = `SELECT ` + incidentCols + ` FROM incidents WHERE number = (SELECT incident FROM incident_channels WHERE channel = ` + channelID + `)`
	qLockByChan     = qIncidentByChan + ` %s` // Dialect.ForUpdate
	qUnlinkChannel  = `DELETE FROM incident_channels WHERE incident = $1 AND (SELECT platform FROM channels WHERE id = incident_channels.channel) = (SELECT id FROM platforms WHERE name = $2)`
	qLinkChannel    = `INSERT INTO incident_channels (channel, incident) VALUES (` + channelID + `, $3) ON CONFLICT (channel) DO NOTHING`
	qChannelOwner   = `SELECT incident FROM incident_channels WHERE channel = ` + channelID
	// qCountByStatus reads two indexes alone: incidents_unclosed, then
	// incidents_severity_closed (schema 42; their conditions letter for
	// letter), where a GROUP BY status would read every row.
	qCountByStatus = `SELECT status, COUNT(*) FROM incidents WHERE status <> 'closed' GROUP BY status
	UNION ALL SELECT 'closed', COUNT(*) FROM incidents WHERE status = 'closed'`
	qIncidentsNewest  = `SELECT ` + incidentCols + ` FROM incidents%s ORDER BY number DESC LIMIT $%d OFFSET $%d`
	qIncidentsByState = ` status IN (%s)`
	qIncidentsBefore  = ` number < $%d`
	qIncidentCounts   = `UPDATE incidents SET alerts = $2, alerts_firing = $3, version = $4, updated_at = $5 WHERE number = $1`
)

// SQLite rewrites every index holding a column an UPDATE sets, whether its
// value changed or not (and moves a row between the pages of an index whose
// key holds it), so an update sets the indexed columns only when they
// changed. They fall in three groups, each its own bit of the variant: the
// status (incidents_unclosed, and incidents_severity_number, which carries
// it last), the acknowledgement and resolution times (incidents_kpi), and
// the rest (title, service, source, severity, privacy, start and
// declaration: most indexes, the title index's trigger and the marks'
// trigger), which a command seldom changes. Every other column is set every time: it is in no
// index, and the row's page is written anyway. The eight variants are
// prepared statements (writerStatements).
const (
	updStatus = 1 << iota
	updTimes
	updIdentity
	updAll = updStatus | updTimes | updIdentity
)

// updGroup is the variant bit of each of incidentCols' columns (by
// position) that some index or trigger holds; 0 for the others.
var updGroup = [...]int{
	0: 0, 1: updIdentity, 4: updIdentity, 5: updIdentity, 6: updIdentity, 7: updStatus, 8: updIdentity,
	9: updIdentity, 10: updIdentity, 11: updTimes, 13: updTimes, 27: 0,
}

// qUpdateIncidentSets are the UPDATE statements by variant: the columns
// set are the unindexed ones and those of the variant's groups, numbered in
// incidentCols' order after the number ($1).
var qUpdateIncidentSets = func() [updAll + 1]string {
	cols := strings.Split(incidentCols, ",")
	var out [updAll + 1]string
	for v := range out {
		var b strings.Builder
		b.WriteString("UPDATE incidents SET ")
		n := 1
		for i, c := range cols[1:] {
			if g := updGroup[i+1]; g != 0 && v&g == 0 {
				continue
			}
			n++
			if n > 2 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s = $%d", strings.TrimSpace(c), n)
		}
		b.WriteString(" WHERE number = $1")
		out[v] = b.String()
	}
	return out
}()

// updateVariant picks the variant that sets what changed from old to args
// (updAll when old is unknown) and the arguments of its statement.
func updateVariant(old, args []any) (string, []any) {
	v := updAll
	if old != nil {
		v = 0
		for i, g := range updGroup {
			if g != 0 && old[i] != args[i] {
				v |= g
			}
		}
	}
	out := make([]any, 0, len(args))
	out = append(out, args[0])
	for i, a := range args[1:] {
		if g := updGroup[i+1]; g != 0 && v&g == 0 {
			continue
		}
		out = append(out, a)
	}
	return qUpdateIncidentSets[v], out
}

// incidentArgs are the values of incidentCols, in order.
func incidentArgs(inc *bot.Incident) ([]any, error) {
	args := incidentScalars(inc)
	channels, err := storedChannels(inc.Channels, inc.Number, inc.Title)
	if err != nil {
		return nil, err
	}
	args[18] = channels
	for i, m := range [...]any{17: inc.Roles, 19: inc.Links, 24: inc.Responders, 27: inc.Fields} {
		if m == nil {
			continue
		}
		s, err := encode(m)
		if err != nil {
			return nil, err
		}
		args[i] = s
	}
	return args, nil
}

// incidentScalars are incidentArgs without the encoded maps (nil in their
// places): all an image needs, since no index holds a map (updGroup).
func incidentScalars(inc *bot.Incident) []any {
	return []any{
		inc.Number, inc.Title, inc.Summary, inc.Impact, inc.Service, inc.Source, int64(inc.Severity), string(inc.Status), inc.Private,
		us(inc.StartedAt), us(inc.DeclaredAt), usPtr(inc.AcknowledgedAt), usPtr(inc.MitigatedAt), usPtr(inc.ResolvedAt),
		usPtr(inc.ClosedAt), us(inc.UpdatedAt), usPtr(inc.LastUpdateAt),
		nil, nil, nil, inc.Version, inc.Alerts, inc.AlertsFiring, inc.Announce, nil, inc.Route,
		inc.Type, nil,
	}
}

func scanIncident(row scanner) (*bot.Incident, error) {
	var (
		inc                        bot.Incident
		sev                        int64
		status                     string
		started, declared, updated int64
		acked, mitigated, resolved sql.NullInt64
		closed, lastUpdate         sql.NullInt64
		roles, channels, links     string
		responders, fields         string
	)
	if err := row.Scan(&inc.Number, &inc.Title, &inc.Summary, &inc.Impact, &inc.Service, &inc.Source, &sev, &status, &inc.Private,
		&started, &declared, &acked, &mitigated, &resolved, &closed, &updated, &lastUpdate,
		&roles, &channels, &links, &inc.Version, &inc.Alerts, &inc.AlertsFiring, &inc.Announce, &responders, &inc.Route, &inc.Type, &fields); err != nil {
		return nil, err
	}
	inc.Severity, inc.Status = bot.Severity(sev), bot.Status(status)
	inc.StartedAt, inc.DeclaredAt, inc.UpdatedAt = fromUS(started), fromUS(declared), fromUS(updated)
	inc.AcknowledgedAt, inc.MitigatedAt, inc.ResolvedAt = fromNullPtr(acked), fromNullPtr(mitigated), fromNullPtr(resolved)
	inc.ClosedAt, inc.LastUpdateAt = fromNullPtr(closed), fromNullPtr(lastUpdate)
	if err := decode(roles, &inc.Roles); err != nil {
		return nil, err
	}
	if err := decode(responders, &inc.Responders); err != nil {
		return nil, err
	}
	if err := decode(fields, &inc.Fields); err != nil {
		return nil, err
	}
	var err error
	if inc.Channels, err = readChannels(channels, inc.Number, inc.Title); err != nil {
		return nil, err
	}
	if err := decode(links, &inc.Links); err != nil {
		return nil, err
	}
	return &inc, nil
}

// oneIncident scans a single-incident query, mapping no row to ErrNotFound.
func oneIncident(row *sql.Row, what string) (*bot.Incident, error) {
	inc, err := scanIncident(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w", what, bot.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return inc, nil
}

// Incident reads one incident.
func (s *Store) Incident(ctx context.Context, number int64) (*bot.Incident, error) {
	return oneIncident(s.rqueryRow(ctx, qIncident, number), "read incident")
}

// IncidentByChannel reads the incident a platform's channel belongs to.
func (s *Store) IncidentByChannel(ctx context.Context, platform, channel string) (*bot.Incident, error) {
	return oneIncident(s.rqueryRow(ctx, qIncidentByChan, platform, channel), "read incident by channel")
}

// Incidents lists incidents, newest first.
func (s *Store) Incidents(ctx context.Context, f bot.IncidentFilter) ([]*bot.Incident, error) {
	var (
		conds []string
		args  []any
	)
	if len(f.Statuses) > 0 {
		conds = append(conds, fmt.Sprintf(qIncidentsByState, placeholders(1, len(f.Statuses))))
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	if f.Before > 0 {
		args = append(args, f.Before)
		conds = append(conds, fmt.Sprintf(qIncidentsBefore, len(args)))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE" + strings.Join(conds, " AND")
	}
	args = append(args, limitArg(f.Limit), max(f.Offset, 0))
	rows, err := s.r.QueryContext(ctx, fmt.Sprintf(qIncidentsNewest, where, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	defer rows.Close()
	var out []*bot.Incident
	for rows.Next() {
		inc, err := scanIncident(rows)
		if err != nil {
			return nil, fmt.Errorf("list incidents: %w", err)
		}
		out = append(out, inc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	return out, nil
}

// CountByStatus counts incidents by status; every known status is present.
func (s *Store) CountByStatus(ctx context.Context) (map[bot.Status]int, error) {
	rows, err := s.r.QueryContext(ctx, qCountByStatus)
	if err != nil {
		return nil, fmt.Errorf("count incidents: %w", err)
	}
	defer rows.Close()
	out := make(map[bot.Status]int, len(bot.Statuses))
	for _, st := range bot.Statuses {
		out[st] = 0
	}
	for rows.Next() {
		var (
			st string
			n  int
		)
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count incidents: %w", err)
		}
		out[bot.Status(st)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count incidents: %w", err)
	}
	return out, nil
}

// NextIncidentNumber bumps the counter row; the row stays locked until the
// transaction ends, so numbers are gap-free. With Dialect.NextNumber it
// takes the next value of a sequence instead: no declare waits for
// another, and one that rolls back leaves a gap.
func (t *tx) NextIncidentNumber(ctx context.Context) (int64, error) {
	var n int64
	if err := t.queryRow(ctx, qNextNumber).Scan(&n); err != nil {
		return 0, fmt.Errorf("next incident number: %w", err)
	}
	return n, nil
}

// CreateIncident inserts inc under its number.
func (t *tx) CreateIncident(ctx context.Context, inc *bot.Incident) error {
	args, err := incidentArgs(inc)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, qCreateIncident, args...); err != nil {
		if t.s.d.IsUniqueViolation(err) {
			return bot.Errorf(bot.CodeConflict, "%s already exists", inc.Key())
		}
		return fmt.Errorf("insert incident: %w", err)
	}
	return nil
}

// LockIncident reads an incident and holds it until the transaction ends.
// The values read are kept, so that an update of the incident in the same
// transaction sets only the indexed columns that changed.
func (t *tx) LockIncident(ctx context.Context, number int64) (*bot.Incident, error) {
	inc, err := oneIncident(t.queryRow(ctx, qLockIncident, number), "lock incident")
	if err != nil {
		return nil, err
	}
	t.keep(inc)
	return inc, nil
}

// LockIncidentByChannel reads the incident a platform's channel belongs
// to and holds it until the transaction ends.
func (t *tx) LockIncidentByChannel(ctx context.Context, platform, channel string) (*bot.Incident, error) {
	inc, err := oneIncident(t.queryRow(ctx, qLockByChan, platform, channel), "lock incident by channel")
	if err != nil {
		return nil, err
	}
	t.keep(inc)
	return inc, nil
}

// keep notes inc's stored values for updateVariant.
func (t *tx) keep(inc *bot.Incident) {
	if t.images == nil {
		t.images = make(map[int64][]any, 1)
	}
	t.images[inc.Number] = incidentScalars(inc)
}

// UpdateIncident writes every field of inc (the indexed ones only when
// they changed since LockIncident read them, see updateVariant).
func (t *tx) UpdateIncident(ctx context.Context, inc *bot.Incident) error {
	args, err := incidentArgs(inc)
	if err != nil {
		return err
	}
	q, qargs := updateVariant(t.images[inc.Number], args)
	res, err := t.exec(ctx, q, qargs...)
	if err != nil {
		return fmt.Errorf("update incident: %w", err)
	}
	if err := affected(res, "update incident"); err != nil {
		return err
	}
	if t.images != nil {
		t.images[inc.Number] = args
	}
	return nil
}

// UpdateIncidentCounts writes inc's alert counts, version and update
// time alone: the rest of the row is as LockIncident read it.
func (t *tx) UpdateIncidentCounts(ctx context.Context, inc *bot.Incident) error {
	updated := us(inc.UpdatedAt)
	res, err := t.exec(ctx, qIncidentCounts, inc.Number, inc.Alerts, inc.AlertsFiring, inc.Version, updated)
	if err != nil {
		return fmt.Errorf("update incident counts: %w", err)
	}
	if err := affected(res, "update incident counts"); err != nil {
		return err
	}
	if img := t.images[inc.Number]; img != nil {
		img[15], img[20], img[21], img[22] = updated, inc.Version, inc.Alerts, inc.AlertsFiring
	}
	return nil
}

// LinkChannel maps platform's channel to the incident, replacing the
// incident's previous channel on that platform. A channel that belongs to
// another incident is a conflict.
func (t *tx) LinkChannel(ctx context.Context, number int64, platform, channel string) error {
	if strings.TrimSpace(platform) == "" || strings.TrimSpace(channel) == "" {
		return bot.Errorf(bot.CodeInvalid, "a channel link needs a platform and a channel")
	}
	if err := t.writeOutDrafts(ctx, number); err != nil {
		return fmt.Errorf("unlink channel: %w", err)
	}
	if _, err := t.exec(ctx, qUnlinkChannel, number, platform); err != nil {
		return fmt.Errorf("unlink channel: %w", err)
	}
	res, err := t.linkChannel(ctx, platform, channel, number)
	if err != nil {
		return fmt.Errorf("link channel: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var owner int64
	if err := t.queryRow(ctx, qChannelOwner, platform, channel).Scan(&owner); err != nil {
		return fmt.Errorf("link channel: %w", err)
	}
	return bot.Errorf(bot.CodeConflict, "%s channel %s already belongs to %s", platform, channel, bot.FormatKey(owner))
}
