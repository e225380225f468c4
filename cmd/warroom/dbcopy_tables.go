package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// dbTable is one SQLite table to copy: its columns, and the tables its
// foreign keys refer to.
type dbTable struct {
	name    string
	columns []string
	refs    []string
	where   string // which of the table's rows to copy, when not all
	more    string // another table's rows to copy into it too: "table WHERE …"
	// moreCols are the expressions more's rows give some columns by,
	// where not the column itself.
	moreCols map[string]string
}

// Since schema 35 SQLite keeps an incident's audit records in timeline,
// in the row of the change's entry or in one of their own (kind empty),
// PostgreSQL every record in audit: the copy reads timeline's entries into
// timeline and its records into audit.
var recordColumns = []string{"action", "before", "after"}

// joinedAfter is a record's after image read from timeline: a record
// joined to its entry may store only what the entry does not hold (the
// store's joinedAfter, schema 40): '@c' for a channel link's image, the
// entry's channel under "channel." and its platform; '@d' and the rest of
// a declaration's image, without the severity of the entry's data and the
// title its text ("Declared SEV: title") ends with; '@s' for an
// acknowledgement's or a resolution's image, the status its kind names.
// A channel link's and a declaration's entry may store their data as '@',
// two values and a space between (schema 45): the copy reads it as JSON
// (entryData).
const joinedAfter = `CASE WHEN "after" = '@c' THEN json_object('channel.' || json_extract(` + entryData + `, '$.platform'), json_extract(` + entryData + `, '$.channel'))
	WHEN "after" LIKE '@d%' THEN json_set(substr("after", 3), '$.severity', json_extract(` + entryData + `, '$.severity'),
		'$.title', substr(text, length('Declared ' || json_extract(` + entryData + `, '$.severity') || ': ') + 1))
	WHEN "after" = '@s' AND kind IN ('acknowledged', 'resolved') THEN json_object('status', kind)
	ELSE "after" END`

// entryData is an entry's data column as JSON, also where a channel
// link's or a declaration's entry stores two values without it (the
// store's pairData).
const entryData = `(CASE WHEN data NOT LIKE '@% %' THEN data
	WHEN kind = 'channel_linked' THEN json_object('channel', ` + pairSecond + `, 'platform', ` + pairFirst + `)
	WHEN kind = 'declared' THEN json_object('severity', ` + pairFirst + `, 'source', ` + pairSecond + `)
	ELSE data END)`

// pairFirst and pairSecond are the two values of a data column that
// stores them without JSON.
const (
	pairFirst  = `substr(data, 2, instr(data, ' ') - 2)`
	pairSecond = `substr(data, instr(data, ' ') + 1)`
)

// recordsApart moves the records of timeline to audit's copy.
func recordsApart(byName map[string]*dbTable) {
	tl, au := byName["timeline"], byName["audit"]
	if tl == nil || au == nil || !slices.Contains(tl.columns, "action") {
		return
	}
	tl.columns = slices.DeleteFunc(tl.columns, func(c string) bool { return slices.Contains(recordColumns, c) })
	tl.where = "action IS NULL OR kind <> ''"
	au.more = "timeline WHERE action IS NOT NULL"
	au.moreCols = map[string]string{"after": joinedAfter}
}

// copyOnly keeps rows out of the copy that the source holds only until
// it sweeps them: SQLite marks a finished outbox job done and deletes such
// jobs a batch at a time, so a database copied after a crash can hold some.
// Every read skips them; the target would keep them for good. Their ids are
// still never given again (the sequence's high-water mark is copied).
var copyOnly = map[string]string{"outbox": "status <> 'done'"}

// derivedTables are tables the target's triggers fill as the rows they
// are derived from arrive (incident_marks, schema 25: from the timeline),
// so that copying them too would collide.
var derivedTables = []string{"incident_marks"}

// sqliteTables lists every table of the source but its bookkeeping
// (schema_migrations, sqlite_*), full-text indexes and derived tables,
// referred-to tables before referring ones.
func sqliteTables(ctx context.Context, tx *sql.Tx) ([]dbTable, error) {
	// Full-text tables (virtual, and their shadow tables) are indexes:
	// the target keeps its own in step as rows arrive.
	rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_master m
		WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'
		AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
		AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.type = 'table' AND v.sql LIKE 'CREATE VIRTUAL TABLE%'
			AND m.name LIKE v.name || '\_%' ESCAPE '\')
		ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("source: list tables: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		if !slices.Contains(derivedTables, n) {
			names = append(names, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byName := map[string]*dbTable{}
	for _, n := range names {
		t := &dbTable{name: n}
		if t.columns, err = pragmaColumn(ctx, tx, "table_info", n, "name"); err != nil {
			return nil, err
		}
		if t.refs, err = pragmaColumn(ctx, tx, "foreign_key_list", n, "table"); err != nil {
			return nil, err
		}
		byName[n] = t
	}
	recordsApart(byName)
	// Order by foreign keys (depth-first), so that inserts find their parents.
	var out []dbTable
	state := map[string]int{} // 1: visiting, 2: done
	var visit func(n string) error
	visit = func(n string) error {
		t, ok := byName[n]
		if !ok || state[n] == 2 {
			return nil
		}
		if state[n] == 1 {
			return fmt.Errorf("source: foreign keys of %s form a cycle", n)
		}
		state[n] = 1
		for _, r := range t.refs {
			if r != n {
				if err := visit(r); err != nil {
					return err
				}
			}
		}
		state[n] = 2
		out = append(out, *t)
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// pragmaColumn reads one named column of PRAGMA kind(table)'s rows.
func pragmaColumn(ctx context.Context, tx *sql.Tx, kind, tbl, col string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM pragma_%s(?)", quoteIdent(col), kind), tbl)
	if err != nil {
		return nil, fmt.Errorf("source: %s of %s: %w", kind, tbl, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// postgresColumns maps each column of the target table to its data type.
func postgresColumns(ctx context.Context, tx *sql.Tx, tbl string) (map[string]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1`, tbl)
	if err != nil {
		return nil, fmt.Errorf("target: columns of %s: %w", tbl, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var n, typ string
		if err := rows.Scan(&n, &typ); err != nil {
			return nil, err
		}
		out[n] = typ
	}
	return out, rows.Err()
}

// copyTable inserts every row of t from the source into the target, in
// batches, and returns how many it read.
func copyTable(ctx context.Context, stx, ttx *sql.Tx, t dbTable) (int64, error) {
	types, err := postgresColumns(ctx, ttx, t.name)
	if err != nil {
		return 0, err
	}
	if len(types) == 0 {
		return 0, errors.New("the target has no such table: is it at the same warroom version?")
	}
	for _, c := range t.columns {
		if _, ok := types[c]; !ok {
			return 0, fmt.Errorf("the target has no column %s: is it at the same warroom version?", c)
		}
	}
	cols := make([]string, len(t.columns))
	for i, c := range t.columns {
		cols[i] = quoteIdent(c)
	}
	list := strings.Join(cols, ", ")
	q := "SELECT " + list + " FROM " + quoteIdent(t.name)
	if w, ok := copyOnly[t.name]; ok {
		q += " WHERE " + w
	} else if t.where != "" {
		q += " WHERE " + t.where
	}
	if t.more != "" {
		more := slices.Clone(cols)
		for i, c := range t.columns {
			if e, ok := t.moreCols[c]; ok {
				more[i] = e
			}
		}
		q += " UNION ALL SELECT " + strings.Join(more, ", ") + " FROM " + t.more
	}
	rows, err := stx.QueryContext(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	perBatch := max(1, min(500, 60000/len(cols)))
	var (
		batch []any
		n     int64
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		k := len(batch) / len(cols)
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", quoteIdent(t.name), list)
		for r := range k {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "$%d", r*len(cols)+c+1)
			}
			b.WriteByte(')')
		}
		if _, err := ttx.ExecContext(ctx, b.String(), batch...); err != nil {
			return err
		}
		batch = batch[:0]
		return nil
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, c := range t.columns {
			vals[i] = convert(vals[i], types[c])
		}
		batch = append(batch, vals...)
		n++
		if n%int64(perBatch) == 0 {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// convert turns a SQLite value into what the PostgreSQL column takes:
// SQLite keeps booleans as integers and may hand text back as bytes.
func convert(v any, pgType string) any {
	switch pgType {
	case "boolean":
		switch x := v.(type) {
		case int64:
			return x != 0
		case bool:
			return x
		}
	case "text", "character varying":
		if b, ok := v.([]byte); ok {
			return string(b)
		}
	case "bytea": // packed bodies are BLOBs; those written before schema 23 text
		if s, ok := v.(string); ok {
			return []byte(s)
		}
	}
	return v
}

// resetIdentities moves every identity sequence of the copied tables past
// the highest id ever given, so new rows continue the numbering. SQLite's
// high-water marks count too (AUTOINCREMENT's, and the outbox's in
// counters since schema 31): outbox ids of finished jobs are never given
// again. The incident numbers' sequence (schema 34) continues from the
// copied counter.
func resetIdentities(ctx context.Context, stx, ttx *sql.Tx, tables []dbTable) error {
	rows, err := ttx.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return fmt.Errorf("target: identity columns: %w", err)
	}
	type ident struct{ table, column string }
	var ids []ident
	for rows.Next() {
		var i ident
		if err := rows.Scan(&i.table, &i.column); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	sort.Slice(ids, func(a, b int) bool { return ids[a].table < ids[b].table })
	copied := map[string]bool{}
	for _, t := range tables {
		copied[t.name] = true
	}
	for _, i := range ids {
		if !copied[i.table] {
			continue
		}
		var high int64
		q := fmt.Sprintf("SELECT COALESCE(MAX(%s), 0) FROM %s", quoteIdent(i.column), quoteIdent(i.table))
		if err := ttx.QueryRowContext(ctx, q).Scan(&high); err != nil {
			return fmt.Errorf("target: highest %s.%s: %w", i.table, i.column, err)
		}
		var seq sql.NullInt64
		err := stx.QueryRowContext(ctx, "SELECT seq FROM sqlite_sequence WHERE name = ?", i.table).Scan(&seq)
		if err != nil && !errors.Is(err, sql.ErrNoRows) && !strings.Contains(err.Error(), "no such table") {
			return fmt.Errorf("source: sequence of %s: %w", i.table, err)
		}
		high = max(high, seq.Int64)
		if i.table == "outbox" {
			// Since schema 31 the highest outbox id given is kept in
			// counters, no longer in sqlite_sequence.
			var given sql.NullInt64
			err := stx.QueryRowContext(ctx, "SELECT value FROM counters WHERE name = 'outbox'").Scan(&given)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("source: highest outbox id: %w", err)
			}
			high = max(high, given.Int64)
		}
		if high == 0 {
			continue
		}
		if _, err := ttx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence($1, $2), $3, true)",
			quoteIdent(i.table), i.column, high); err != nil {
			return fmt.Errorf("target: sequence of %s.%s: %w", i.table, i.column, err)
		}
	}
	if _, err := ttx.ExecContext(ctx,
		`SELECT setval('incident_numbers', value) FROM counters WHERE name = 'incident' AND value > 0`); err != nil {
		return fmt.Errorf("target: incident numbers: %w", err)
	}
	return nil
}
