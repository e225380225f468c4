package sqlstore

import (
	"strings"
	"unicode"
)

// searchWords splits a title search into the words the full-text index
// holds: runs of letters and digits, in lower case. Anything else
// separates words, as both stores' tokenizers do.
func searchWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// SQLiteTitleMatch is TitleMatch for SQLite's FTS5 table incidents_fts:
// every word whole but the last, a prefix ("checkout" "lat"*).
func SQLiteTitleMatch(words []string, param string) (string, string) {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = `"` + w + `"`
		if i == len(words)-1 {
			q[i] += "*"
		}
	}
	return "number IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH " + param + ")", strings.Join(q, " ")
}

// PostgresTitleVector is the expression PostgreSQL's full-text index of
// titles holds (migration 0019): ASCII punctuation made spaces, so that
// the parser splits words where searchWords does.
const PostgresTitleVector = "to_tsvector('simple', translate(title, '!\"#$%&''()*+,-./:;<=>?@[\\]^_`{|}~', '                                '))"

// PostgresTitleMatch is TitleMatch for PostgreSQL's GIN index on
// PostgresTitleVector: every word whole but the last, a prefix
// ('checkout' & 'lat':*).
func PostgresTitleMatch(words []string, param string) (string, string) {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + w + "'"
		if i == len(words)-1 {
			q[i] += ":*"
		}
	}
	return PostgresTitleVector + " @@ to_tsquery('simple', " + param + ")", strings.Join(q, " & ")
}
