package sqlstore

import (
	"slices"
	"strings"
)

// encodeLabels renders labels or annotations as encode does (the same
// bytes as encoding/json: keys sorted), without reflection when no key or
// value needs escaping, which is every alert in practice. It runs once per
// alert stored.
func encodeLabels(m map[string]string) (string, error) {
	if len(m) == 0 {
		return encode(m)
	}
	n := 2
	var buf [16]string
	keys := buf[:0]
	for k, v := range m {
		if !plainJSON(k) || !plainJSON(v) {
			return encode(m)
		}
		n += len(k) + len(v) + 6
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.Grow(n)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(k)
		b.WriteString(`":"`)
		b.WriteString(m[k])
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String(), nil
}

// plainJSON reports whether encoding/json writes s between quotes as it
// is: printable ASCII but for the quote, the backslash and the characters
// it escapes for HTML.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// encodeLabelsWithout is encodeLabels of m without its key skip.
func encodeLabelsWithout(m map[string]string, skip string) (string, error) {
	if _, ok := m[skip]; !ok {
		return encodeLabels(m)
	}
	c := make(map[string]string, len(m)-1)
	for k, v := range m {
		if k != skip {
			c[k] = v
		}
	}
	return encodeLabels(c)
}
