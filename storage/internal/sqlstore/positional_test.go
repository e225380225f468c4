package sqlstore

import "testing"

func TestPositional(t *testing.T) {
	for _, tt := range []struct{ q, want string }{
		{`INSERT INTO t (a, b) VALUES ($1, $2)`, `INSERT INTO t (a, b) VALUES (?, ?)`},
		{`SELECT 1 FROM t WHERE a = $1 AND b = $2 LIMIT $3`, `SELECT 1 FROM t WHERE a = ? AND b = ? LIMIT ?`},
		{`UPDATE t SET a = $1 WHERE id = $10`, `UPDATE t SET a = $1 WHERE id = $10`},           // $10 is not the second
		{`SELECT 1 FROM t WHERE a = $2 AND b = $1`, `SELECT 1 FROM t WHERE a = $2 AND b = $1`}, // out of order
		{`SELECT 1 FROM t WHERE a = $1 OR b = $1`, `SELECT 1 FROM t WHERE a = $1 OR b = $1`},   // repeated
		{`SELECT json_extract(f, '$.a') FROM t WHERE a = $1`, `SELECT json_extract(f, '$.a') FROM t WHERE a = ?`},
		{`SELECT "$1" FROM t WHERE a = $1`, `SELECT "$1" FROM t WHERE a = ?`},
		{`SELECT $ FROM t`, `SELECT $ FROM t`},
		{`SELECT 1`, `SELECT 1`},
		{`SAVEPOINT call`, `SAVEPOINT call`},
	} {
		if got := positional(tt.q); got != tt.want {
			t.Errorf("positional(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}
