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
	return encodeLabelsSkipping(m, "", false)
}

// encodeLabelsSkipping is encodeLabels of m without the key skip when
// skipping (m itself is left as it is).
func encodeLabelsSkipping(m map[string]string, skip string, skipping bool) (string, error) {
	n := 2
	var buf [16]string
	keys := buf[:0]
	for k, v := range m {
		if skipping && k == skip {
			continue
		}
		if !plainJSON(k) || !plainJSON(v) {
			return encode(withoutKey(m, skip, skipping))
		}
		n += len(k) + len(v) + 6
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return encode(withoutKey(m, skip, skipping))
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

// withoutKey is m without skip when skipping, as a copy; m itself
// otherwise.
func withoutKey(m map[string]string, skip string, skipping bool) map[string]string {
	if _, ok := m[skip]; !skipping || !ok {
		return m
	}
	c := make(map[string]string, len(m)-1)
	for k, v := range m {
		if k != skip {
			c[k] = v
		}
	}
	return c
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
	return encodeLabelsSkipping(m, skip, true)
}
