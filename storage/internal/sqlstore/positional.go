package sqlstore

import (
	"strconv"
	"strings"
)

// positional returns q with its parameters written ? instead of $N when
// each of $1 … $n appears once, in that order, outside quoted text; else q.
// SQLite's driver (modernc.org/sqlite) looks up the name of every $N
// parameter and parses its number on every call, a string made per
// argument; a ? has no name and binds the argument of its position.
func positional(q string) string {
	var b strings.Builder
	next, from := 1, 0 // the parameter expected next; q[from:] is not yet in b
	quote := byte(0)
	for i := 0; i < len(q); i++ {
		switch c := q[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '$':
			j := i + 1
			for j < len(q) && '0' <= q[j] && q[j] <= '9' {
				j++
			}
			if n, err := strconv.Atoi(q[i+1 : j]); err != nil || n != next {
				return q // not a parameter, or out of order or repeated
			}
			b.WriteString(q[from:i])
			b.WriteByte('?')
			next, from, i = next+1, j, j-1
		}
	}
	if next == 1 || quote != 0 {
		return q
	}
	b.WriteString(q[from:])
	return b.String()
}
