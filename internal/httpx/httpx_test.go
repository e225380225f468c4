package httpx_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

func TestStatusOf(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 200},
		{bot.Errorf(bot.CodeInvalid, "x"), 400},
		{bot.Errorf(bot.CodeUnauthorized, "x"), 401},
		{bot.Errorf(bot.CodeForbidden, "x"), 403},
		{bot.Errorf(bot.CodeNotFound, "x"), 404},
		{bot.Errorf(bot.CodeConflict, "x"), 409},
		{bot.Errorf(bot.CodeNotConfigured, "x"), 501},
		{bot.Errorf(bot.CodeInternal, "x"), 500},
		{fmt.Errorf("wrapped: %w", bot.Errorf(bot.CodeNotFound, "x")), 404},
		{errors.New("disk on fire"), 500},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.err), func(t *testing.T) {
			if got := httpx.StatusOf(tt.err); got != tt.want {
				t.Errorf("StatusOf(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

func TestWriteErrHidesInternalText(t *testing.T) {
	rec := httptest.NewRecorder()
	httpx.WriteErr(rec, slog.New(slog.DiscardHandler), fmt.Errorf("query: password=hunter2: %w", errors.New("boom")))
	if rec.Code != 500 {
		t.Fatalf("status %d", rec.Code)
	}
	if body := rec.Body.String(); strings.Contains(body, "hunter2") || !strings.Contains(body, `"error":"internal error"`) {
		t.Fatalf("body %s", body)
	}
	rec = httptest.NewRecorder()
	httpx.WriteErr(rec, nil, bot.Errorf(bot.CodeConflict, "INC-1 is closed"))
	if rec.Code != 409 || errorOf(t, rec) != "INC-1 is closed" {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}

func errorOf(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q", ct)
	}
	var body struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("decode %q: %v", rec.Body, err)
	}
	return body.Error
}

func TestDecodeJSON(t *testing.T) {
	type input struct {
		Text string `json:"text"`
		N    int    `json:"n"`
	}
	big := `{"text":"` + strings.Repeat("a", 2<<20) + `"}`
	tests := []struct {
		name, ctype, body string
		status            int
		errHas            string
	}{
		{"ok", "application/json", `{"text":"hi","n":2}`, 200, ""},
		{"ok with charset", "application/json; charset=utf-8", `{"text":"hi"}`, 200, ""},
		{"wrong type", "text/plain", `{"text":"hi"}`, 415, "Content-Type: application/json"},
		{"no type", "", `{"text":"hi"}`, 415, "must be JSON"},
		{"malformed", "application/json", `{"text":`, 400, "invalid JSON"},
		{"syntax", "application/json", `{"text" "hi"}`, 400, "at byte"},
		{"empty", "application/json", ``, 400, "empty"},
		{"unknown field", "application/json", `{"txet":"hi"}`, 400, `unknown field "txet"`},
		{"wrong field type", "application/json", `{"n":"two"}`, 400, `field "n"`},
		{"trailing", "application/json", `{"text":"a"}{"text":"b"}`, 400, "trailing data"},
		{"too big", "application/json", big, 413, "1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got input
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := httpx.DecodeJSON(w, r, &got); err != nil {
					return
				}
				httpx.WriteJSON(w, 200, got)
			})
			req := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			req.ContentLength = -1 // make the decoder, not the header, find the size
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.errHas != "" {
				if msg := errorOf(t, rec); !strings.Contains(msg, tt.errHas) {
					t.Fatalf("error %q does not mention %q", msg, tt.errHas)
				}
			}
		})
	}
}

func TestLimitBody(t *testing.T) {
	reached := false
	h := httpx.LimitBody(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true }))
	req := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("x", 2<<20)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 413 || reached {
		t.Fatalf("status %d, handler reached %v", rec.Code, reached)
	}
	if msg := errorOf(t, rec); !strings.Contains(msg, "1 MiB") {
		t.Fatalf("error %q", msg)
	}
}

func TestBearerToken(t *testing.T) {
	tests := map[string]string{
		"":                 "",
		"Bearer abc":       "abc",
		"bearer  abc ":     "abc",
		"Basic dXNlcjpwdw": "",
		"Bearer":           "",
	}
	for header, want := range tests {
		req := httptest.NewRequest("GET", "/", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		if got := httpx.BearerToken(req); got != want {
			t.Errorf("BearerToken(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestTokenEqual(t *testing.T) {
	tests := []struct {
		got, want string
		ok        bool
	}{
		{"s3cret", "s3cret", true},
		{"s3cre", "s3cret", false},
		{"s3cretX", "s3cret", false},
		{"", "", false},
		{"x", "", false},
	}
	for _, tt := range tests {
		if ok := httpx.TokenEqual(tt.got, tt.want); ok != tt.ok {
			t.Errorf("TokenEqual(%q, %q) = %v", tt.got, tt.want, ok)
		}
	}
}

func TestMetricsAndRecover(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := httpx.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := httpx.NewMetrics(reg); err == nil {
		t.Fatal("registering twice should fail")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteJSON(w, 200, map[string]string{"id": r.PathValue("id")})
	})
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) { panic("kaboom") })
	h := httpx.Chain(mux, m.Wrap, httpx.Recover(slog.New(slog.DiscardHandler)), httpx.LimitBody)

	for _, path := range []string{"/things/1", "/things/2", "/panic", "/nowhere"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if path == "/panic" {
			if rec.Code != 500 || errorOf(t, rec) != "internal error" {
				t.Fatalf("panic answered %d %s", rec.Code, rec.Body)
			}
		}
	}
	got := counts(t, reg)
	want := map[string]float64{
		"GET /things/{id} 200": 2,
		"GET /panic 500":       1,
		"unmatched 404":        1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("count[%s] = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
}

func counts(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "warroom_http_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			l := map[string]string{}
			for _, p := range m.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			out[l["route"]+" "+l["code"]] = m.GetCounter().GetValue()
		}
	}
	return out
}
