package webhook_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/webhook"
)

const token = "s3cret-token"

// fakeSink records calls and answers what it is told.
type fakeSink struct {
	mu    sync.Mutex
	calls [][]bot.Alert
	res   bot.AlertResult
	err   error
}

func (f *fakeSink) HandleAlerts(_ context.Context, _ bot.Cause, alerts []bot.Alert) (bot.AlertResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, alerts)
	return f.res, f.err
}

// decodeTest is a decoder of {"ids":["a","b"]}.
func decodeTest(_ context.Context, _ *http.Request, body []byte) (webhook.Delivery, error) {
	var p struct {
		IDs []string `json:"ids"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return webhook.Delivery{}, errors.New("invalid JSON: " + err.Error())
	}
	var d webhook.Delivery
	for _, id := range p.IDs {
		d.Alerts = append(d.Alerts, bot.Alert{Fingerprint: id, Status: bot.AlertFiring, Title: id})
	}
	return d, nil
}

type setup struct {
	h    *webhook.Handler
	sink *fakeSink
	reg  *prometheus.Registry
	logs *bytes.Buffer
}

func newSetup(t *testing.T, cfg webhook.Config) setup {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := webhook.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source == "" {
		cfg.Source = "test"
	}
	if cfg.Decode == nil {
		cfg.Decode = decodeTest
	}
	sink := &fakeSink{res: bot.AlertResult{Accepted: 1, Incidents: []int64{7}}}
	var logs bytes.Buffer
	h, err := webhook.New(cfg, sink, m, slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return setup{h: h, sink: sink, reg: reg, logs: &logs}
}

func post(h http.Handler, target, ctype, body string, mod func(*http.Request)) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", target, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if mod != nil {
		mod(req)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func errorOf(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var b struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
		t.Fatalf("answer %q is not a JSON error: %v", rec.Body, err)
	}
	return b.Error
}

func bearer(tok string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

func TestAuthMatrix(t *testing.T) {
	basic := func(user, pw string) func(*http.Request) {
		return func(r *http.Request) { r.SetBasicAuth(user, pw) }
	}
	tests := []struct {
		name   string
		token  string // configured
		target string
		mod    func(*http.Request)
		status int
		errHas string
	}{
		{"bearer right", token, "/", bearer(token), 200, ""},
		{"bearer lower-case scheme", token, "/", func(r *http.Request) { r.Header.Set("Authorization", "bearer "+token) }, 200, ""},
		{"basic password right", token, "/", basic("alertmanager", token), 200, ""},
		{"basic password right, no user", token, "/", basic("", token), 200, ""},
		{"missing", token, "/", nil, 401, "missing webhook token"},
		{"bearer wrong", token, "/", bearer("nope"), 401, "wrong webhook token"},
		{"bearer prefix of token", token, "/", bearer(token[:5]), 401, "wrong webhook token"},
		{"basic password wrong", token, "/", basic("u", "nope"), 401, "wrong webhook token"},
		{"token as basic user only", token, "/", basic(token, ""), 401, "missing webhook token"},
		{"query token right is refused", token, "/?token=" + token, nil, 401, "query string"},
		{"query token with right bearer is refused", token, "/?token=" + token, bearer(token), 401, "query string"},
		{"query api_key refused", token, "/?api_key=x", bearer(token), 401, "query string"},
		{"other query ignored", token, "/?org=1", bearer(token), 200, ""},
		{"no token configured", "", "/", bearer(""), 401, "WARROOM_WEBHOOK_TOKEN is set"},
		{"no token configured, any bearer", "", "/", bearer("anything"), 401, "WARROOM_WEBHOOK_TOKEN is set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSetup(t, webhook.Config{Token: tt.token})
			rec := post(s.h, tt.target, "application/json", `{"ids":["a"]}`, tt.mod)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.errHas != "" {
				if msg := errorOf(t, rec); !strings.Contains(msg, tt.errHas) {
					t.Fatalf("error %q does not mention %q", msg, tt.errHas)
				}
				if strings.Contains(rec.Body.String(), token) {
					t.Fatal("the answer echoes the token")
				}
				if len(s.sink.calls) != 0 {
					t.Fatal("a refused delivery reached the domain")
				}
				if got := refused(t, s.reg, "auth"); got != 1 {
					t.Fatalf("refused{reason=auth} = %v", got)
				}
				if !strings.Contains(s.logs.String(), `"level":"ERROR"`) || !strings.Contains(s.logs.String(), "drops a delivery answered 4xx") {
					t.Fatalf("no alert-worthy log line: %s", s.logs)
				}
				if strings.Contains(s.logs.String(), token) {
					t.Fatal("the log holds the token")
				}
			} else if len(s.sink.calls) != 1 {
				t.Fatalf("domain called %d times", len(s.sink.calls))
			}
		})
	}
}

// refused returns the counter of refusals by reason for source "test".
func refused(t *testing.T, reg *prometheus.Registry, reason string) float64 {
	t.Helper()
	return counterFrom(t, reg, "warroom_webhook_refused_total", map[string]string{"source": "test", "reason": reason})
}

// counterFrom finds one counter's value on reg.
func counterFrom(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if want, ok := labels[lp.GetName()]; ok && want != lp.GetValue() {
					continue metrics
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

func TestBodyMatrix(t *testing.T) {
	big := `{"ids":["` + strings.Repeat("a", 2<<20) + `"]}`
	tests := []struct {
		name, ctype, body string
		chunked           bool
		status            int
		reason, errHas    string
	}{
		{"ok", "application/json", `{"ids":["a"]}`, false, 200, "", ""},
		{"ok with charset", "application/json; charset=utf-8", `{"ids":["a"]}`, false, 200, "", ""},
		{"too large declared", "application/json", big, false, 413, "too_large", "1 MiB"},
		{"too large streamed", "application/json", big, true, 413, "too_large", "1 MiB"},
		{"wrong content type", "text/plain", `{"ids":["a"]}`, false, 415, "content_type", "Content-Type: application/json"},
		{"no content type", "", `{"ids":["a"]}`, false, 415, "content_type", "application/json"},
		{"malformed", "application/json", `{"ids":`, false, 400, "malformed", "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSetup(t, webhook.Config{Token: token})
			rec := post(s.h, "/", tt.ctype, tt.body, func(r *http.Request) {
				bearer(token)(r)
				if tt.chunked {
					r.ContentLength = -1
				}
			})
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.errHas != "" {
				if msg := errorOf(t, rec); !strings.Contains(msg, tt.errHas) {
					t.Fatalf("error %q does not mention %q", msg, tt.errHas)
				}
				if got := refused(t, s.reg, tt.reason); got != 1 {
					t.Fatalf("refused{reason=%s} = %v", tt.reason, got)
				}
			}
		})
	}
}

func TestDomainAnswers(t *testing.T) {
	tests := []struct {
		name       string
		res        bot.AlertResult
		err        error
		status     int
		retryAfter bool
		outcome    string // deliveries outcome counted
		reason     string
	}{
		{"accepted", bot.AlertResult{Accepted: 2, Incidents: []int64{3}}, nil, 200, false, "accepted", ""},
		{"all duplicates", bot.AlertResult{Duplicates: 2}, nil, 200, false, "duplicate", ""},
		{"suppressed", bot.AlertResult{Suppressed: 2}, nil, 200, false, "accepted", ""},
		{"invalid", bot.AlertResult{}, bot.Errorf(bot.CodeInvalid, "alert has no fingerprint"), 400, false, "refused", "invalid"},
		{"shedding load", bot.AlertResult{}, bot.Errorf(bot.CodeUnavailable, "overloaded, retry"), 503, true, "refused", "unavailable"},
		{"internal", bot.AlertResult{}, errors.New("disk I/O error at /var/lib"), 500, false, "refused", "internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSetup(t, webhook.Config{Token: token})
			s.sink.res, s.sink.err = tt.res, tt.err
			rec := post(s.h, "/", "application/json", `{"ids":["a","b"]}`, bearer(token))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if got := rec.Header().Get("Retry-After") != ""; got != tt.retryAfter {
				t.Fatalf("Retry-After %q", rec.Header().Get("Retry-After"))
			}
			if strings.Contains(rec.Body.String(), "/var/lib") {
				t.Fatalf("internal error text leaked: %s", rec.Body)
			}
			if len(s.sink.calls) != 1 || len(s.sink.calls[0]) != 2 || s.sink.calls[0][0].Source != "test" {
				t.Fatalf("domain calls %+v", s.sink.calls)
			}
			c := counterFrom(t, s.reg, "warroom_webhook_deliveries_total", map[string]string{"source": "test", "outcome": tt.outcome})
			if got := c; got != 1 {
				t.Fatalf("deliveries{outcome=%s} = %v", tt.outcome, got)
			}
			if tt.reason != "" {
				if got := refused(t, s.reg, tt.reason); got != 1 {
					t.Fatalf("refused{reason=%s} = %v", tt.reason, got)
				}
			}
			if tt.status == 200 {
				var a webhook.Answer
				if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || a.Accepted != tt.res.Accepted || a.Duplicates != tt.res.Duplicates {
					t.Fatalf("answer %s (%v)", rec.Body, err)
				}
			}
		})
	}
}

func TestEmptyDeliveryIsNotSentToDomain(t *testing.T) {
	s := newSetup(t, webhook.Config{Token: token})
	rec := post(s.h, "/", "application/json", `{"ids":[]}`, bearer(token))
	if rec.Code != 200 || len(s.sink.calls) != 0 {
		t.Fatalf("status %d, calls %d", rec.Code, len(s.sink.calls))
	}
}

func TestSignedReceiverSkipsToken(t *testing.T) {
	s := newSetup(t, webhook.Config{Signed: true, Decode: func(context.Context, *http.Request, []byte) (webhook.Delivery, error) {
		return webhook.Delivery{}, webhook.Refuse(401, webhook.ReasonSignature, "bad signature")
	}})
	rec := post(s.h, "/", "application/json", `{}`, nil)
	if rec.Code != 401 || errorOf(t, rec) != "bad signature" {
		t.Fatalf("status %d %s", rec.Code, rec.Body)
	}
	if got := refused(t, s.reg, "signature"); got != 1 {
		t.Fatalf("refused{reason=signature} = %v", got)
	}
}

func TestMetricsSharedAcrossReceivers(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, err := webhook.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := webhook.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	a.Truncated("x", 2)
	b.Truncated("x", 3)
	c := counterFrom(t, reg, "warroom_webhook_truncated_alerts_total", map[string]string{"source": "x"})
	if got := c; got != 5 {
		t.Fatalf("truncated = %v", got)
	}
}

func TestBasicAuthHeaderShape(t *testing.T) {
	// A hand-built header, as curl -u sends it.
	s := newSetup(t, webhook.Config{Token: token})
	rec := post(s.h, "/", "application/json", `{"ids":["a"]}`, func(r *http.Request) {
		r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("nagios:"+token)))
	})
	if rec.Code != 200 {
		t.Fatalf("status %d %s", rec.Code, rec.Body)
	}
}

func TestRefusalLogsAreThrottled(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	s := newSetup(t, webhook.Config{Token: token, Now: func() time.Time { return now }})
	for i := 0; i < 5; i++ {
		post(s.h, "/", "application/json", `{}`, bearer("wrong"))
	}
	if n := strings.Count(s.logs.String(), `"level":"ERROR"`); n != 1 {
		t.Fatalf("%d ERROR lines for 5 refusals in a burst", n)
	}
	now = now.Add(11 * time.Second)
	post(s.h, "/", "application/json", `{}`, bearer("wrong"))
	if n := strings.Count(s.logs.String(), `"level":"ERROR"`); n != 2 || !strings.Contains(s.logs.String(), `"refusals_not_logged":4`) {
		t.Fatalf("after the pause: %s", s.logs)
	}
	if got := refused(t, s.reg, "auth"); got != 6 {
		t.Fatalf("every refusal is counted: %v", got)
	}
}

// TestReadBodyWhateverTheLengthSays: a body read whole whether its
// Content-Length is right, short, long or absent; the size limit holds.
func TestReadBodyWhateverTheLengthSays(t *testing.T) {
	body := strings.Repeat("x", 3000)
	for _, length := range []int64{3000, 10, 5000, 0, -1} {
		got, err := webhook.ReadBody(strings.NewReader(body), length)
		if err != nil || string(got) != body {
			t.Errorf("length %d: read %d bytes, %v", length, len(got), err)
		}
	}
}
