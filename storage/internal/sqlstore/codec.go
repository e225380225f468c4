package sqlstore

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// Times are stored as BIGINT microseconds since the Unix epoch, UTC; optional
// times as NULL when unset. The Service truncates its clock to microseconds,
// so a round trip is exact.

func us(t time.Time) int64 { return t.UnixMicro() }

func usPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

func fromUS(v int64) time.Time { return time.UnixMicro(v).UTC() }

func fromNullPtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromUS(v.Int64)
	return &t
}

func fromNullZero(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromUS(v.Int64)
}

// nullStr stores "" as NULL, so that empty keys never meet in an index.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullID stores 0 (no incident) as NULL.
func nullID(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// encode renders a map as JSON text; nil stays "null" and empty stays "{}",
// so both read back as they were written.
func encode(v any) (string, error) {
	switch m := v.(type) { // the common cases, without reflection
	case map[string]string:
		if m == nil {
			return "null", nil
		} else if len(m) == 0 {
			return "{}", nil
		}
	case map[string]any:
		if m == nil {
			return "null", nil
		} else if len(m) == 0 {
			return "{}", nil
		}
	case map[string]bot.Link:
		if m == nil {
			return "null", nil
		} else if len(m) == 0 {
			return "{}", nil
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode json column: %w", err)
	}
	return string(b), nil
}

func decode(s string, v any) error {
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode json column: %w", err)
	}
	return nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// placeholders returns "$from, $from+1, ..." for n values.
func placeholders(from, n int) string {
	b := make([]byte, 0, n*4)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '$')
		b = fmt.Appendf(b, "%d", from+i)
	}
	return string(b)
}

// valueRows returns the VALUES rows of a multi-row INSERT: n rows of
// cols placeholders each, "?" when positional (SQLite binds $n parameters
// by looking their names up, which costs O(params²) for a statement of
// thousands), else "$1, $2, ...".
func valueRows(n, cols int, positional bool) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		if positional {
			b.WriteString("(?" + strings.Repeat(", ?", cols-1) + ")")
		} else {
			b.WriteString("(" + placeholders(i*cols+1, cols) + ")")
		}
	}
	return b.String()
}

// limitArg turns "0: no limit" into a bound both databases accept.
func limitArg(n int) int64 {
	if n <= 0 {
		return 1<<63 - 1
	}
	return int64(n)
}
