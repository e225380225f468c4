package sqlstore

import (
	"encoding/json"
	"maps"
	"testing"
)

// TestEncodeLabelsIsEncodingJSON: the fast path writes exactly what
// encoding/json writes, and the strings it must escape take the slow path.
func TestEncodeLabelsIsEncodingJSON(t *testing.T) {
	for _, m := range []map[string]string{
		nil, {},
		{"alertname": "HighLatency", "instance": "web-1:9100", "severity": "critical"},
		{"b": "2", "a": "1", "c": ""},
		{"summary": `quote " and \ backslash`},
		{"html": "<b>&</b>", "ctl": "line\nbreak\ttab"},
		{"utf8": "héllo wörld ✓", "sep": "a\u2028b"},
		{"bad": "\xff\xfe"},
		{"": "empty key"},
		{"summary": "only this"},
		{"summary": "q\"", "x": "y"},
	} {
		got, err := encodeLabels(m)
		if err != nil {
			t.Fatal(err)
		}
		want, err := encode(m)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("encodeLabels(%q) = %s, want %s", m, got, want)
		}
		// Without a key: what encoding/json writes of a copy without it.
		for _, skip := range []string{"alertname", "summary", "bad", "missing"} {
			c := maps.Clone(m)
			delete(c, skip)
			if _, ok := m[skip]; !ok {
				c = m
			}
			want, _ := encode(c)
			if got, err := encodeLabelsWithout(m, skip); err != nil || got != want {
				t.Errorf("encodeLabelsWithout(%q, %q) = %s, %v; want %s", m, skip, got, err, want)
			}
		}
		if m != nil {
			var back map[string]string
			if err := json.Unmarshal([]byte(got), &back); err != nil || len(back) != len(m) {
				t.Errorf("%s does not read back: %v", got, err)
			}
		}
	}
}

func BenchmarkEncodeLabels(b *testing.B) {
	m := map[string]string{"alertname": "HighLatency", "instance": "web-1:9100", "job": "node", "service": "checkout", "severity": "critical"}
	for b.Loop() {
		if _, err := encodeLabels(m); err != nil {
			b.Fatal(err)
		}
	}
}
