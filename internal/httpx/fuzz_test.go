package httpx_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/warroom/warroom/internal/httpx"
)

// FuzzDecodeJSON: the API's and the console's request bodies are answered
// without a panic; a body accepted is valid JSON with no repeated key.
func FuzzDecodeJSON(f *testing.F) {
	f.Add(`{"text":"/incident list","user":"alice","channel":"incidents"}`)
	f.Add(`{"text":"a","text":"b"}`)
	f.Add(`{"title":"x","severity":2,"private":true}`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, body string) {
		var in struct {
			Text     string          `json:"text"`
			User     string          `json:"user"`
			Channel  string          `json:"channel"`
			Title    string          `json:"title"`
			Severity json.RawMessage `json:"severity"`
			Private  bool            `json:"private"`
		}
		r := httptest.NewRequest("POST", "/api/v1/commands", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		if httpx.DecodeJSON(w, r, &in) != nil {
			if w.Code < 400 || w.Code >= 500 {
				t.Fatalf("refused with %d", w.Code)
			}
			return
		}
		if !json.Valid([]byte(body)) || httpx.UniqueKeys([]byte(body)) != nil {
			t.Fatalf("accepted %q", body)
		}
	})
}

// FuzzUniqueKeys: never panics; what it accepts is valid JSON.
func FuzzUniqueKeys(f *testing.F) {
	f.Add(`{"a":{"b":[1,{"a":2}]}}`)
	f.Add(`{"a":1,"\u0061":2}`)
	f.Add(strings.Repeat("[", 300))
	f.Fuzz(func(t *testing.T, s string) {
		if httpx.UniqueKeys([]byte(s)) == nil && !json.Valid([]byte(s)) {
			t.Fatalf("accepted invalid JSON %q", s)
		}
	})
}

// FuzzSingleForm: what it accepts names each key once.
func FuzzSingleForm(f *testing.F) {
	f.Add("payload=%7B%7D")
	f.Add("a=1&a=2")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := httpx.SingleForm(s)
		if err != nil {
			return
		}
		for k, vs := range v {
			if len(vs) != 1 {
				t.Fatalf("%q: %d values", k, len(vs))
			}
		}
	})
}

// FuzzLocalHost: a Host it accepts names loopback or the extra name.
func FuzzLocalHost(f *testing.F) {
	f.Add("localhost:8080")
	f.Add("127.0.0.1.evil.example")
	f.Add("[::1]:80")
	f.Fuzz(func(t *testing.T, host string) {
		if !httpx.LocalHost(host, "warroom.example.org") {
			return
		}
		h := strings.ToLower(host)
		if !strings.Contains(h, "localhost") && !strings.Contains(h, "127.") && !strings.Contains(h, "::1") &&
			!strings.Contains(h, "warroom.example.org") && !strings.Contains(h, "::ffff:7f") {
			t.Fatalf("accepted %q", host)
		}
	})
}
