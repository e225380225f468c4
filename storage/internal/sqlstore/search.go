package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

var _ bot.IncidentSearcher = (*Store)(nil)

// sortColumns maps sort keys to columns; number breaks ties.
var sortColumns = map[string]string{
	bot.SortNumber:   "number",
	bot.SortDeclared: "declared_at",
	bot.SortSeverity: "severity",
	bot.SortStatus:   "status",
	bot.SortService:  "service",
}

// SearchIncidents returns one page of the incidents matching q and how
// many match in all.
func (s *Store) SearchIncidents(ctx context.Context, q bot.IncidentQuery) (*bot.IncidentPage, error) {
	count, query, countArgs, args := s.searchSQL(q)
	page := &bot.IncidentPage{}
	if err := s.r.QueryRowContext(ctx, count, countArgs...).Scan(&page.Total); err != nil {
		return nil, fmt.Errorf("count incidents: %w", err)
	}
	if page.Total > bot.CountCap {
		page.Total, page.AtLeast = bot.CountCap, true
	}
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search incidents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		inc, err := scanIncident(rows)
		if err != nil {
			return nil, fmt.Errorf("search incidents: %w", err)
		}
		page.Incidents = append(page.Incidents, inc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search incidents: %w", err)
	}
	return page, nil
}

// LastChange is the newest updated_at of any incident (index
// incidents_updated, or Dialect.LastChange).
func (s *Store) LastChange(ctx context.Context) (time.Time, error) {
	q := `SELECT MAX(updated_at) FROM incidents`
	if s.d.LastChange != "" {
		q = s.d.LastChange
	}
	var v sql.NullInt64
	if err := s.r.QueryRowContext(ctx, q).Scan(&v); err != nil {
		return time.Time{}, fmt.Errorf("read the last change: %w", err)
	}
	if !v.Valid {
		return time.Time{}, nil
	}
	return fromUS(v.Int64), nil
}

// searchSQL is SearchIncidents' two statements: the capped count of the
// matches and the page, with their arguments.
func (s *Store) searchSQL(q bot.IncidentQuery) (count, query string, countArgs, args []any) {
	where, args := s.searchWhere(q)
	// Count up to one past the cap: a filter matching most of a million
	// incidents would otherwise read them all.
	count = "SELECT COUNT(*) FROM (SELECT 1 FROM incidents" + where + " LIMIT " + strconv.Itoa(bot.CountCap+1) + ") AS m"
	countArgs = slices.Clone(args)
	// Before bounds the page, not the total.
	if q.Before > 0 {
		args = append(args, q.Before)
		before := "number < $" + strconv.Itoa(len(args))
		if where == "" {
			where = " WHERE " + before
		} else {
			where += " AND " + before
		}
	}
	col, ok := sortColumns[q.Sort]
	if !ok {
		col = "number"
	}
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	order := col + dir
	if col != "number" {
		order += ", number" + dir
	}
	// The page's numbers first, then its rows: the numbers often come
	// from an index alone (a range of declared_at, a service, the
	// unclosed statuses), so only the page's rows are read in full.
	query = "SELECT " + incidentCols + " FROM incidents WHERE number IN (SELECT number FROM incidents" + where +
		" ORDER BY " + order + " LIMIT " + strconv.Itoa(q.Limit) + " OFFSET " + strconv.Itoa(q.Offset) + ") ORDER BY " + order
	return count, query, countArgs, args
}

// searchWhere is the WHERE clause ("" for none) of q's filters but Before,
// and its arguments.
func (s *Store) searchWhere(q bot.IncidentQuery) (string, []any) {
	var (
		conds []string
		args  []any
	)
	in := func(col string, vals []any) {
		if len(vals) == 0 {
			return
		}
		conds = append(conds, col+" IN ("+placeholders(len(args)+1, len(vals))+")")
		args = append(args, vals...)
	}
	var v []any
	for _, st := range q.Statuses {
		v = append(v, string(st))
	}
	in("status", v)
	severity := "severity"
	if len(v) > 0 && !slices.Contains(q.Statuses, bot.StatusClosed) {
		// Implied, and the condition of the partial index
		// incidents_unclosed letter for letter: statuses but closed are
		// few, and that index finds them.
		conds = append(conds, "status <> 'closed'")
		severity = s.d.Unindexed + severity
	}
	if len(v) == 1 && q.Statuses[0] == bot.StatusClosed {
		// Implied, and the condition of the partial index
		// incidents_severity_closed letter for letter (schema 42).
		conds = append(conds, "status = 'closed'")
	}
	v = nil
	for _, sev := range q.Severities {
		v = append(v, int64(sev))
	}
	in(severity, v)
	v = nil
	for _, x := range q.Services {
		v = append(v, x)
	}
	in("service", v)
	v = nil
	for _, x := range q.Sources {
		v = append(v, x)
	}
	in("source", v)
	v = nil
	for _, x := range q.Types {
		v = append(v, x)
	}
	in("type", v)
	for _, name := range slices.Sorted(maps.Keys(q.Fields)) {
		args = append(args, name, q.Fields[name])
		conds = append(conds, s.d.FieldValue("fields", "$"+strconv.Itoa(len(args)-1))+" = $"+strconv.Itoa(len(args)))
	}
	// private = TRUE is the condition of the partial index
	// incidents_private, letter for letter.
	if q.PrivateOnly {
		conds = append(conds, "private = TRUE")
	}
	if q.HidePrivate {
		seen := make([]any, len(q.VisiblePrivate))
		for i, n := range q.VisiblePrivate {
			seen[i] = n
		}
		if len(seen) == 0 {
			conds = append(conds, "private = FALSE")
		} else {
			conds = append(conds, "(private = FALSE OR number IN ("+placeholders(len(args)+1, len(seen))+"))")
			args = append(args, seen...)
		}
	}
	if !q.From.IsZero() {
		conds = append(conds, "declared_at >= "+lit(q.From))
	}
	if !q.To.IsZero() {
		conds = append(conds, "declared_at < "+lit(q.To))
	}
	if q.Windows != nil {
		spans := make([]string, 0, len(q.Windows))
		for _, w := range q.Windows {
			spans = append(spans, "(declared_at >= "+lit(w.From)+" AND declared_at < "+lit(w.To)+")")
		}
		if len(spans) == 0 {
			spans = append(spans, "1 = 0")
		}
		conds = append(conds, "("+strings.Join(spans, " OR ")+")")
	}
	if q.AlertRule != "" {
		// Bounded by the query's dates, the alerts come from the index
		// alerts_starts_rule.
		args = append(args, q.AlertRule)
		sub := "SELECT incident FROM alerts WHERE rule = $" + strconv.Itoa(len(args)) + " AND incident IS NOT NULL"
		if !q.From.IsZero() {
			sub += " AND starts_at >= " + lit(q.From)
		}
		if !q.To.IsZero() {
			sub += " AND starts_at < " + lit(q.To)
		}
		conds = append(conds, "number IN ("+sub+")")
	}
	if strings.TrimSpace(q.Text) != "" {
		// Words of the title, the last one possibly cut short, found in
		// the full-text index; a text with no word matches nothing.
		if words := searchWords(q.Text); len(words) == 0 {
			conds = append(conds, "1 = 0")
		} else {
			cond, arg := s.d.TitleMatch(words, "$"+strconv.Itoa(len(args)+1))
			args = append(args, arg)
			conds = append(conds, cond)
		}
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}
