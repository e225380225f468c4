package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// KPIs (migration 0005). KPIRows streams the columns KPIs need from the
// covering index incidents_kpi (service, source, declared_at, ...): one
// query per (service, source) pair, found by skipping through the index,
// so no row carries a string and no query sorts. Since schema 42 the index
// holds the resolved incidents only (a resolution time: their times no
// longer change, so a declaration and an acknowledgement write no entry of
// it); the few unresolved ones of the period are read once, through
// incidents_unclosed, and handed over with their pair. KPIExtras sums the
// rest up in SQL over small partial indexes. Numbers computed in Go (times,
// targets) are written into statements as integer literals, which both
// databases type without help; strings are parameters.

const (
	// kpiDone is the condition of incidents_kpi, letter for letter: the
	// statements of the index name it, so that both databases read it (and
	// SQLite reads it alone: resolved_at is one of its columns).
	kpiDone = `resolved_at IS NOT NULL`
	// openStatuses is the condition of the open incidents, found through
	// the partial index incidents_unclosed: its condition, status <>
	// 'closed', is implied and written out letter for letter.
	openStatuses = `status IN ('triggered', 'acknowledged', 'investigating', 'identified', 'monitoring') AND status <> 'closed'`

	qFirstPair = `SELECT service, source FROM incidents WHERE ` + kpiDone + ` ORDER BY service, source LIMIT 1`
	// The next pair: the next source of the service, else the next service.
	// (A row value, (service, source) > ($1, $2), walks every row of the
	// pair on SQLite instead of seeking past it.)
	qNextSource  = `SELECT service, source FROM incidents WHERE service = $1 AND source > $2 AND ` + kpiDone + ` ORDER BY service, source LIMIT 1`
	qNextService = `SELECT service, source FROM incidents WHERE service > $1 AND ` + kpiDone + ` ORDER BY service, source LIMIT 1`
	kpiPeriod    = ` FROM incidents WHERE service = $1 AND source = $2 AND declared_at >= $3 AND declared_at < $4 AND ` + kpiDone
	qKPIRows     = `SELECT severity, started_at, declared_at, acknowledged_at, resolved_at` + kpiPeriod
	// qKPICounts is qKPIRows for CountsOnly queries: the severity alone.
	qKPICounts = `SELECT severity` + kpiPeriod
	// qKPIRowsNumbers and qKPICountsNumbers add the incident's number (on
	// SQLite the rowid, which every index entry holds) for Numbers queries.
	qKPIRowsNumbers = `SELECT severity, started_at, declared_at, acknowledged_at, resolved_at, number` + kpiPeriod
	// qKPITiles is qKPIRowsNumbers for Tiles queries: no started_at.
	qKPITiles         = `SELECT severity, declared_at, acknowledged_at, resolved_at, number` + kpiPeriod
	qKPICountsNumbers = `SELECT severity, declared_at, number` + kpiPeriod
	// qKPIOpen reads the incidents of a period that incidents_kpi leaves
	// out, every column qKPIRows reads and their pair: those with no
	// resolution time, which are the open ones (a resolution or a closure
	// sets the time, a reopening clears it, and an import refuses an
	// incident whose status and time disagree).
	qKPIOpen = `SELECT service, source, severity, started_at, declared_at, acknowledged_at, number FROM incidents
	WHERE ` + openStatuses + ` AND resolved_at IS NULL AND declared_at >= $1 AND declared_at < $2`
)

// KPIRows calls fn for every incident of q, grouped by service and source.
func (s *Store) KPIRows(ctx context.Context, q bot.KPIQuery, fn func(r *bot.KPIRow) error) error {
	sevs := map[bot.Severity]bool{}
	for _, v := range q.Severities {
		sevs[v] = true
	}
	// One connection, statements prepared once: hundreds of pairs cost
	// hundreds of index seeks, not hundreds of statement compilations.
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return fmt.Errorf("read incidents: %w", err)
	}
	defer conn.Close()
	open, err := kpiOpenRows(ctx, conn, s.catalogFilter, q, sevs)
	if err != nil {
		return err
	}
	nextSource, err := conn.PrepareContext(ctx, qNextSource)
	if err != nil {
		return fmt.Errorf("read incidents: %w", err)
	}
	defer nextSource.Close()
	nextService, err := conn.PrepareContext(ctx, qNextService)
	if err != nil {
		return fmt.Errorf("read incidents: %w", err)
	}
	defer nextService.Close()
	next := func(svc, src string) (string, string, error) {
		var a, b string
		err := nextSource.QueryRowContext(ctx, svc, src).Scan(&a, &b)
		if errors.Is(err, sql.ErrNoRows) {
			err = nextService.QueryRowContext(ctx, svc).Scan(&a, &b)
		}
		return a, b, err
	}
	rowsQ := qKPIRows
	switch {
	case q.CountsOnly && q.Numbers:
		rowsQ = qKPICountsNumbers
	case q.CountsOnly:
		rowsQ = qKPICounts
	case q.Tiles:
		rowsQ = qKPITiles
	case q.Numbers:
		rowsQ = qKPIRowsNumbers
	}
	cond, extra := s.catalogFilter(q, "", 5)
	rowsQ += cond
	rows, err := conn.PrepareContext(ctx, rowsQ)
	if err != nil {
		return fmt.Errorf("read incidents: %w", err)
	}
	defer rows.Close()
	var svc, src string
	err = conn.QueryRowContext(ctx, qFirstPair).Scan(&svc, &src)
	for ; err == nil; svc, src, err = next(svc, src) {
		if !pairWanted(q, svc, src) {
			continue
		}
		if err := kpiPair(ctx, rows, q, svc, src, sevs, extra, fn); err != nil {
			return err
		}
		if err := emitOpen(open, [2]string{svc, src}, fn); err != nil {
			return err
		}
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read incidents: %w", err)
	}
	// The pairs that have open incidents only.
	for _, p := range slices.SortedFunc(maps.Keys(open), func(a, b [2]string) int {
		return cmp.Or(strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1]))
	}) {
		if err := emitOpen(open, p, fn); err != nil {
			return err
		}
	}
	return nil
}

// kpiOpenRows reads the open incidents of q's period that its filters let
// through, by pair, as KPIRows hands them over (the columns q asks for).
func kpiOpenRows(ctx context.Context, conn *sql.Conn, filter func(bot.KPIQuery, string, int) (string, []any),
	q bot.KPIQuery, sevs map[bot.Severity]bool) (map[[2]string][]bot.KPIRow, error) {
	cond, extra := filter(q, "", 3)
	rows, err := conn.QueryContext(ctx, qKPIOpen+cond, append([]any{us(q.From), us(q.To)}, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("read open incidents: %w", err)
	}
	defer rows.Close()
	out := map[[2]string][]bot.KPIRow{}
	for rows.Next() {
		var (
			r                          bot.KPIRow
			sev, started, declared, nr int64
			acked                      sql.NullInt64
		)
		if err := rows.Scan(&r.Service, &r.Source, &sev, &started, &declared, &acked, &nr); err != nil {
			return nil, fmt.Errorf("read open incident: %w", err)
		}
		r.Severity = bot.Severity(sev)
		if (len(sevs) > 0 && !sevs[r.Severity]) || !pairWanted(q, r.Service, r.Source) {
			continue
		}
		r.DeclaredAt = fromUS(declared)
		if q.Numbers {
			r.Number = nr
		}
		if !q.CountsOnly {
			if !q.Tiles {
				r.StartedAt = fromUS(started)
			}
			if acked.Valid {
				r.AcknowledgedAt = fromUS(acked.Int64)
			}
		}
		p := [2]string{r.Service, r.Source}
		out[p] = append(out[p], r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read open incidents: %w", err)
	}
	return out, nil
}

// emitOpen hands over the open incidents of pair p and forgets them.
func emitOpen(open map[[2]string][]bot.KPIRow, p [2]string, fn func(r *bot.KPIRow) error) error {
	rs := open[p]
	delete(open, p)
	for i := range rs {
		if err := fn(&rs[i]); err != nil {
			return err
		}
	}
	return nil
}

// pairWanted reports whether the query's service and source filters let
// a (service, source) pair through.
func pairWanted(q bot.KPIQuery, svc, src string) bool {
	return (len(q.Services) == 0 || slices.Contains(q.Services, svc)) && (len(q.Sources) == 0 || slices.Contains(q.Sources, src))
}

func kpiPair(ctx context.Context, st *sql.Stmt, q bot.KPIQuery, svc, src string, sevs map[bot.Severity]bool, extra []any, fn func(r *bot.KPIRow) error) error {
	rows, err := st.QueryContext(ctx, append([]any{svc, src, us(q.From), us(q.To)}, extra...)...)
	if err != nil {
		return fmt.Errorf("read incidents of %s: %w", svc, err)
	}
	defer rows.Close()
	r := bot.KPIRow{Service: svc, Source: src}
	var (
		sev, started, declared, number int64
		acked, resolved                sql.NullInt64
	)
	dest := []any{&sev, &started, &declared, &acked, &resolved}
	switch {
	case q.CountsOnly && q.Numbers:
		dest = []any{&sev, &declared, &number}
	case q.CountsOnly:
		dest = dest[:1]
	case q.Tiles:
		dest = []any{&sev, &declared, &acked, &resolved, &number}
	case q.Numbers:
		dest = append(dest, &number)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("read incident: %w", err)
		}
		r.Severity = bot.Severity(sev)
		if len(sevs) > 0 && !sevs[r.Severity] {
			continue
		}
		r.Number = number
		if q.CountsOnly {
			r.DeclaredAt = fromUS(declared)
			if err := fn(&r); err != nil {
				return err
			}
			continue
		}
		r.DeclaredAt = fromUS(declared)
		if !q.Tiles {
			r.StartedAt = fromUS(started)
		}
		r.AcknowledgedAt, r.ResolvedAt = time.Time{}, time.Time{}
		if acked.Valid {
			r.AcknowledgedAt = fromUS(acked.Int64)
		}
		if resolved.Valid {
			r.ResolvedAt = fromUS(resolved.Int64)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// KPIExtras sums up open incidents, breaches, reopenings, alerts and
// action items of q.
func (s *Store) KPIExtras(ctx context.Context, q bot.KPIQuery) (*bot.KPIAggregates, error) {
	k := kpiSQL{q: q, fieldValue: s.d.FieldValue, unindexed: s.d.Unindexed}
	if len(q.Maintenance) > 0 {
		// The services of the period's incidents: a window leaves out only
		// the incidents whose service its matchers hold for
		// (bot.WindowExcludes).
		err := s.each(ctx, `SELECT DISTINCT i.service FROM incidents i WHERE i.declared_at >= `+lit(q.From)+
			` AND i.declared_at < `+lit(q.To), nil, func(r *sql.Rows) error {
			var svc string
			if err := r.Scan(&svc); err != nil {
				return err
			}
			k.services = append(k.services, svc)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list services: %w", err)
		}
	}
	k.build()
	agg := &bot.KPIAggregates{Breaches: map[bot.Severity]map[string]int64{}}
	for _, step := range []func(context.Context, *Store, *bot.KPIAggregates) error{k.breaches, k.open, k.alerts, k.groups, k.actions} {
		if err := step(ctx, s, agg); err != nil {
			return nil, fmt.Errorf("sum up incidents: %w", err)
		}
	}
	return agg, nil
}

// kpiSQL holds the pieces of one query's statements.
type kpiSQL struct {
	q      bot.KPIQuery
	where  string // period and filters on incidents (alias i)
	filter string // severity, service and source filters alone ("" for none)
	nf     int    // the first nf args are filter's
	maint  string // boolean: the incident is in a maintenance window
	args   []any  // parameters of filter, then of maint
	// services are the services of the period's incidents, for maint.
	services []string
	// fieldValue is the dialect's custom field value (Dialect.FieldValue).
	fieldValue func(col, param string) string
	// unindexed is the dialect's Unindexed: written before the filter's
	// columns, so that the statements read their period or the open
	// incidents, not every incident of a severity or service.
	unindexed string
}

// catalogFilter is the condition (" AND ...", "" for none) of q's type
// and custom field filters on incidents aliased alias ("" for none), with
// parameters numbered from first, and its arguments.
func (s *Store) catalogFilter(q bot.KPIQuery, alias string, first int) (string, []any) {
	conds, args := catalogConds(q, alias, first, s.d.FieldValue)
	if len(conds) == 0 {
		return "", nil
	}
	return " AND " + strings.Join(conds, " AND "), args
}

func catalogConds(q bot.KPIQuery, alias string, first int, fieldValue func(col, param string) string) ([]string, []any) {
	var (
		conds []string
		args  []any
	)
	param := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(first+len(args)-1)
	}
	if len(q.Types) > 0 {
		var ps []string
		for _, t := range q.Types {
			ps = append(ps, param(t))
		}
		conds = append(conds, alias+"type IN ("+strings.Join(ps, ", ")+")")
	}
	for _, name := range slices.Sorted(maps.Keys(q.Fields)) {
		n := param(name)
		// in any case: the insights' filters are typed, not normalized
		conds = append(conds, "LOWER("+fieldValue(alias+"fields", n)+") = LOWER("+param(q.Fields[name])+")")
	}
	return conds, args
}

// incidentFilter is " AND <the incident of table's row passes the
// filters>" for tables that name an incident, when the query filters
// incidents; "" otherwise. A correlated EXISTS looks each row's incident
// up by its number, so the rows of the period (a range of an index) are
// what is read, not every incident of the filtered service ever.
func (k *kpiSQL) incidentFilter(table string) string {
	if k.filter == "" {
		return ""
	}
	return " AND EXISTS (SELECT 1 FROM incidents i WHERE i.number = " + table + ".incident AND " + k.filter + ")"
}

func lit(t time.Time) string      { return strconv.FormatInt(us(t), 10) }
func litD(d time.Duration) string { return strconv.FormatInt(int64(d/time.Microsecond), 10) }
func litI(n int64) string         { return strconv.FormatInt(n, 10) }

func (k *kpiSQL) build() {
	q := k.q
	var f []string
	if len(q.Severities) > 0 {
		var sevs []string
		for _, s := range q.Severities {
			sevs = append(sevs, litI(int64(s)))
		}
		f = append(f, k.unindexed+"i.severity IN ("+strings.Join(sevs, ", ")+")")
	}
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		var ps []string
		for _, v := range vals {
			k.args = append(k.args, v)
			ps = append(ps, "$"+strconv.Itoa(len(k.args)))
		}
		f = append(f, col+" IN ("+strings.Join(ps, ", ")+")")
	}
	in(k.unindexed+"i.service", q.Services)
	in(k.unindexed+"i.source", q.Sources)
	conds, args := catalogConds(q, "i.", len(k.args)+1, k.fieldValue)
	f, k.args = append(f, conds...), append(k.args, args...)
	k.filter, k.nf = strings.Join(f, " AND "), len(k.args)
	w := "i.declared_at >= " + lit(q.From) + " AND i.declared_at < " + lit(q.To)
	if k.filter != "" {
		w += " AND " + k.filter
	}
	k.where = w
	var ors []string
	for _, win := range q.Maintenance {
		// The services the window leaves out (bot.WindowExcludes), of those
		// the period's incidents have.
		var in []string
		for _, svc := range k.services {
			if bot.WindowExcludes(win, svc) {
				k.args = append(k.args, svc)
				in = append(in, "$"+strconv.Itoa(len(k.args)))
			}
		}
		if len(in) == 0 {
			continue
		}
		ors = append(ors, "(i.declared_at >= "+lit(win.StartsAt)+" AND i.declared_at < "+lit(win.End())+
			" AND i.service IN ("+strings.Join(in, ", ")+"))")
	}
	if len(ors) == 0 {
		k.maint = "(1 = 0)"
	} else {
		k.maint = "(" + strings.Join(ors, " OR ") + ")"
	}
}

// breachesSQL counts the period's incidents by severity, mark (an SLA
// breached, or reopened: table incident_marks, migration 0025) and whether
// a maintenance window holds them: a range of the marks' declared_at, so
// it reads the period's marks, never every breach recorded.
func (k *kpiSQL) breachesSQL() string {
	return `SELECT i.severity, mk.mark, CASE WHEN ` + k.maint + ` THEN 1 ELSE 0 END AS inm, COUNT(*)
	FROM incident_marks mk JOIN incidents i ON i.number = mk.incident
	WHERE mk.declared_at >= ` + lit(k.q.From) + ` AND mk.declared_at < ` + lit(k.q.To) + ` AND ` + k.where + `
	GROUP BY i.severity, mk.mark, inm`
}

func (k *kpiSQL) breaches(ctx context.Context, s *Store, agg *bot.KPIAggregates) error {
	return s.each(ctx, k.breachesSQL(), k.args, func(r *sql.Rows) error {
		var sev, inMaint, n int64
		var name string
		if err := r.Scan(&sev, &name, &inMaint, &n); err != nil {
			return err
		}
		switch {
		case name == "reopened":
			agg.Reopened += n
		case inMaint == 0:
			if agg.Breaches[bot.Severity(sev)] == nil {
				agg.Breaches[bot.Severity(sev)] = map[string]int64{}
			}
			agg.Breaches[bot.Severity(sev)][name] += n
		}
		return nil
	})
}

// openSQL is the statement of open: the open incidents by severity and age.
func (k *kpiSQL) openSQL() string {
	now := lit(k.q.Now)
	var c strings.Builder
	c.WriteString("(CASE")
	for i, b := range bot.AgeBuckets {
		c.WriteString(" WHEN " + now + " - i.declared_at < " + litD(b) + " THEN " + strconv.Itoa(i))
	}
	c.WriteString(" ELSE " + strconv.Itoa(len(bot.AgeBuckets)) + " END)")
	// The open statuses, found through incidents_unclosed (openStatuses).
	w := strings.ReplaceAll(openStatuses, "status", "i.status") + " AND i.declared_at < " + lit(k.q.To)
	if k.filter != "" {
		w += " AND " + k.filter
	}
	q := `SELECT i.severity, ` + c.String() + ` AS age, COUNT(*) FROM incidents i WHERE ` + w + ` GROUP BY i.severity, age ORDER BY i.severity, age`
	return q
}

func (k *kpiSQL) open(ctx context.Context, s *Store, agg *bot.KPIAggregates) error {
	q := k.openSQL()
	return s.each(ctx, q, k.args[:k.nf], func(r *sql.Rows) error {
		var a bot.AgeCount
		var sev, bk int64
		if err := r.Scan(&sev, &bk, &a.N); err != nil {
			return err
		}
		a.Severity, a.Bucket = bot.Severity(sev), int(bk)
		agg.Open = append(agg.Open, a)
		return nil
	})
}

// alertsSQL is the statement of alerts: the noisiest alert rules.
func (k *kpiSQL) alertsSQL() string {
	top := k.q.Top
	if top <= 0 {
		top = 5
	}
	// By rule: one rule firing on many instances is one noisy alert.
	q := `SELECT rule, COUNT(*) AS n FROM alerts WHERE starts_at >= ` + lit(k.q.From) + ` AND starts_at < ` + lit(k.q.To) + k.incidentFilter("alerts") +
		` GROUP BY rule ORDER BY n DESC, rule LIMIT ` + strconv.Itoa(top)
	return q
}

func (k *kpiSQL) alerts(ctx context.Context, s *Store, agg *bot.KPIAggregates) error {
	q := k.alertsSQL()
	return s.each(ctx, q, k.args[:k.nf], func(r *sql.Rows) error {
		var nc bot.NameCount
		if err := r.Scan(&nc.Name, &nc.N); err != nil {
			return err
		}
		agg.Alerts = append(agg.Alerts, nc)
		return nil
	})
}

// groupsSQL is the statement of groups.
func (k *kpiSQL) groupsSQL() string {
	top := k.q.Top
	if top <= 0 {
		top = 5
	}
	q := `SELECT group_key, COUNT(DISTINCT incident) AS n FROM alerts
	WHERE starts_at >= ` + lit(k.q.From) + ` AND starts_at < ` + lit(k.q.To) + ` AND incident IS NOT NULL` + k.incidentFilter("alerts") + `
	GROUP BY group_key HAVING COUNT(DISTINCT incident) > 1 ORDER BY n DESC, group_key LIMIT ` + strconv.Itoa(top)
	return q
}

// groups lists the alert groups that opened more than one incident.
func (k *kpiSQL) groups(ctx context.Context, s *Store, agg *bot.KPIAggregates) error {
	q := k.groupsSQL()
	return s.each(ctx, q, k.args[:k.nf], func(r *sql.Rows) error {
		var nc bot.NameCount
		if err := r.Scan(&nc.Name, &nc.N); err != nil {
			return err
		}
		agg.RecurringGroups = append(agg.RecurringGroups, nc)
		return nil
	})
}

// actionsSQL is the statement of actions: action items opened, closed and overdue.
func (k *kpiSQL) actionsSQL() string {
	from, to, now, f := lit(k.q.From), lit(k.q.To), lit(k.q.Now), k.incidentFilter("action_items")
	q := `SELECT
	(SELECT COUNT(*) FROM action_items WHERE created_at >= ` + from + ` AND created_at < ` + to + f + `),
	(SELECT COUNT(*) FROM action_items WHERE done_at >= ` + from + ` AND done_at < ` + to + f + `),
	(SELECT COUNT(*) FROM action_items WHERE status = 'open' AND due IS NOT NULL AND due < ` + now + f + `)`
	return q
}

func (k *kpiSQL) actions(ctx context.Context, s *Store, agg *bot.KPIAggregates) error {
	q := k.actionsSQL()
	return s.r.QueryRowContext(ctx, q, k.args[:k.nf]...).Scan(&agg.Actions.Opened, &agg.Actions.Closed, &agg.Actions.Overdue)
}

// each runs a query on the reader and calls fn for every row.
func (s *Store) each(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
