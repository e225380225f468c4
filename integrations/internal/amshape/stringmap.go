package amshape

import (
	"encoding/json"
	"unicode/utf8"
)

// StringMap is a JSON object of strings (an alert's labels or
// annotations) decoded with fewer allocations than encoding/json makes for
// a map[string]string: the map is made as large as the object, and every
// name and value is a slice of one string holding the object's text,
// rather than a string of its own each (encoding/json also grows the map
// from eight entries, and node-exporter's alerts carry nine labels). An
// object with an escaped or invalid UTF-8 string, or a value that is not a
// string, is decoded by encoding/json, as before.
type StringMap map[string]string

// UnmarshalJSON decodes a JSON object of strings, or null.
func (m *StringMap) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*m = nil // as encoding/json sets a map
		return nil
	}
	n, ok := plainMembers(data)
	if !ok {
		var std map[string]string
		if err := json.Unmarshal(data, &std); err != nil {
			return err
		}
		*m = std
		return nil
	}
	if *m == nil {
		*m = make(StringMap, n)
	}
	text := string(data) // the one allocation every name and value shares
	for i := skipSpace(text, 1); text[i] != '}'; {
		var k, v string
		k, i = plainString(text, i)
		i = skipSpace(text, skipSpace(text, i)+1) // the colon
		v, i = plainString(text, i)
		(*m)[k] = v
		if i = skipSpace(text, i); text[i] == ',' {
			i = skipSpace(text, i+1)
		}
	}
	return nil
}

// plainMembers counts the members of data, a JSON object checked valid by
// encoding/json, and reports whether each name and value is a string with
// no escape and valid UTF-8, so that the bytes between its quotes are the
// string.
func plainMembers(data []byte) (n int, ok bool) {
	if len(data) < 2 || data[0] != '{' {
		return 0, false
	}
	strs := 0
	for i := 1; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			j := i + 1
			ascii := true
			for ; j < len(data) && data[j] != '"'; j++ {
				if data[j] == '\\' {
					return 0, false
				}
				if data[j] >= utf8.RuneSelf {
					ascii = false
				}
			}
			if j == len(data) || !ascii && !utf8.Valid(data[i+1:j]) {
				return 0, false
			}
			strs++
			i = j
		case c == '{' || c == '[' || c == 't' || c == 'f' || c == 'n' || c == '-' || '0' <= c && c <= '9':
			return 0, false // a value that is not a string
		}
	}
	return strs / 2, true
}

// skipSpace returns the index of the first byte of s from i that is not
// JSON white space.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// plainString returns the string whose opening quote is at s[i], as a
// slice of s, and the index after its closing quote.
func plainString(s string, i int) (string, int) {
	j := i + 1
	for s[j] != '"' {
		j++
	}
	return s[i+1 : j], j + 1
}
