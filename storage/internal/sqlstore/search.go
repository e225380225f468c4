package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
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
	v = nil
	for _, sev := range q.Severities {
		v = append(v, int64(sev))
	}
	in("severity", v)
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
	if !q.From.IsZero() {
		conds = append(conds, "declared_at >= "+lit(q.From))
	}
	if !q.To.IsZero() {
		conds = append(conds, "declared_at < "+lit(q.To))
	}
	if t := strings.TrimSpace(q.Text); t != "" {
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(t))
		args = append(args, "%"+esc+"%")
		conds = append(conds, "LOWER(title) LIKE $"+strconv.Itoa(len(args))+` ESCAPE '\'`)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	page := &bot.IncidentPage{}
	// Count up to one past the cap: a filter matching most of a million
	// incidents would otherwise read them all.
	count := "SELECT COUNT(*) FROM (SELECT 1 FROM incidents" + where + " LIMIT " + strconv.Itoa(bot.CountCap+1) + ") AS m"
	if err := s.r.QueryRowContext(ctx, count, args...).Scan(&page.Total); err != nil {
		return nil, fmt.Errorf("count incidents: %w", err)
	}
	if page.Total > bot.CountCap {
		page.Total, page.AtLeast = bot.CountCap, true
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
	query := "SELECT " + incidentCols + " FROM incidents" + where + " ORDER BY " + order +
		" LIMIT " + strconv.Itoa(q.Limit) + " OFFSET " + strconv.Itoa(q.Offset)
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
// incidents_updated).
func (s *Store) LastChange(ctx context.Context) (time.Time, error) {
	var v sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT MAX(updated_at) FROM incidents`).Scan(&v); err != nil {
		return time.Time{}, fmt.Errorf("read the last change: %w", err)
	}
	if !v.Valid {
		return time.Time{}, nil
	}
	return fromUS(v.Int64), nil
}
