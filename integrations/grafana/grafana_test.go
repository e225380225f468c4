package grafana_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/grafana"
	"github.com/warroom/warroom/integrations/internal/webhooktest"
)

func fixture(t testing.TB) []byte {
	t.Helper()
	return webhooktest.Fixture(t, "grafana-firing.json")
}

func TestDecode(t *testing.T) {
	got, err := grafana.Decode(fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, 11, 22, 10, 2, 0, 0, time.UTC)
	gk := `{}/{}:{alertname="HighCPU", grafana_folder="Infra"}`
	want := []bot.Alert{{
		Source: "grafana", Fingerprint: "c6eadffa33fcdf37", GroupKey: gk, Status: bot.AlertFiring,
		Title:  "HighCPU",
		Labels: map[string]string{"alertname": "HighCPU", "grafana_folder": "Infra", "instance": "db-1:9100", "service": "db", "severity": "critical", "grafana_org_id": "1"},
		Annotations: map[string]string{
			"description":   "CPU above 90% for 5 minutes",
			"runbook_url":   "https://runbooks.example.com/high-cpu",
			"dashboard_url": "https://grafana.example.com/d/host-overview?orgId=1",
			"panel_url":     "https://grafana.example.com/d/host-overview?orgId=1&viewPanel=4",
			"silence_url":   "https://grafana.example.com/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DHighCPU&orgId=1",
			"value_string":  "[ var='A' labels={instance=db-1:9100} value=93.5 ], [ var='C' labels={instance=db-1:9100} value=1 ]",
			"values":        `{"A":93.5,"C":1}`,
		},
		StartsAt: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		URL:      "https://grafana.example.com/d/host-overview?orgId=1&viewPanel=4",
	}, {
		Source: "grafana", Fingerprint: "0a6f1e9d1c2b3a48", GroupKey: gk, Status: bot.AlertResolved,
		Title:       "CPU high on db-2",
		Labels:      map[string]string{"alertname": "HighCPU", "grafana_folder": "Infra", "instance": "db-2:9100", "service": "db", "severity": "critical", "grafana_org_id": "1"},
		Annotations: map[string]string{"summary": "CPU high on db-2"},
		StartsAt:    time.Date(2026, 11, 22, 9, 50, 0, 0, time.UTC),
		EndsAt:      &end,
		URL:         "https://grafana.example.com/alerting/grafana/aeyk1mdb8w1dsd/view?orgId=1",
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
}

func TestDecodeErrors(t *testing.T) {
	for body, errHas := range map[string]string{
		`{}`: `no "alerts"`,
		`{"alerts":[{"status":"pending","labels":{"a":"b"}}]}`: `status "pending"`,
		`{"alerts":[{"status":"firing"}]}`:                     "no labels",
		`[`:                                                    "invalid Grafana JSON",
		`{"alerts":[{"status":"firing","labels":{"a":"b"},"values":{"A":"x"}}]}`: "invalid Grafana JSON",
	} {
		if _, err := grafana.Decode([]byte(body)); err == nil || !strings.Contains(err.Error(), errHas) {
			t.Errorf("Decode(%s) = %v, want an error mentioning %q", body, err, errHas)
		}
	}
}

func sign(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	if ts != "" {
		m.Write([]byte(ts + ":"))
	}
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func TestSignatureMatrix(t *testing.T) {
	const token, secret = "tok", "hmac-s3cret"
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	body := fixture(t)
	nowTS := strconv.FormatInt(now.Unix(), 10)
	oldTS := strconv.FormatInt(now.Add(-10*time.Minute).Unix(), 10)
	tests := []struct {
		name    string
		secret  string // configured
		sig, ts string
		body    []byte
		status  int
		errHas  string
	}{
		{"no secret configured, unsigned", "", "", "", body, 200, ""},
		{"no secret configured, signature ignored", "", "bogus", "", body, 200, ""},
		{"body signed", secret, sign(secret, "", body), "", body, 200, ""},
		{"body signed, upper-case hex", secret, strings.ToUpper(sign(secret, "", body)), "", body, 200, ""},
		{"timestamp signed", secret, sign(secret, nowTS, body), nowTS, body, 200, ""},
		{"missing signature", secret, "", "", body, 401, "missing X-Grafana-Alerting-Signature"},
		{"wrong secret", secret, sign("other", "", body), "", body, 401, "wrong X-Grafana-Alerting-Signature"},
		{"tampered body", secret, sign(secret, "", body), "", append([]byte(" "), body...), 401, "wrong"},
		{"not hex", secret, "zz", "", body, 401, "not a hex"},
		{"timestamp not signed", secret, sign(secret, "", body), nowTS, body, 401, "wrong"},
		{"timestamp swapped", secret, sign(secret, nowTS, body), strconv.FormatInt(now.Unix()+1, 10), body, 401, "wrong"},
		{"stale timestamp", secret, sign(secret, oldTS, body), oldTS, body, 401, "away from warroom's clock"},
		{"bad timestamp", secret, sign(secret, "x", body), "x", body, 401, "Unix time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &webhooktest.Sink{}
			rcv, err := grafana.New(grafana.Config{Token: token, Secret: tt.secret, Now: func() time.Time { return now }}, s, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			rcv.Register(mux)
			req := httptest.NewRequest("POST", "/webhooks/grafana", strings.NewReader(string(tt.body)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			if tt.sig != "" {
				req.Header.Set("X-Grafana-Alerting-Signature", tt.sig)
			}
			if tt.ts != "" {
				req.Header.Set("X-Grafana-Alerting-Signature-Timestamp", tt.ts)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if !strings.Contains(rec.Body.String(), tt.errHas) {
				t.Fatalf("answer %s does not mention %q", rec.Body, tt.errHas)
			}
			if strings.Contains(rec.Body.String(), secret) {
				t.Fatal("the secret leaked")
			}
			if want := map[bool]int{true: 1, false: 0}[tt.status == 200]; s.Calls() != want {
				t.Fatalf("domain called %d times", s.Calls())
			}
		})
	}
}

func TestPutAndTokenStillRequired(t *testing.T) {
	s := &webhooktest.Sink{}
	rcv, err := grafana.New(grafana.Config{Token: "tok"}, s, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	rcv.Register(mux)
	for _, tc := range []struct {
		method, auth string
		status       int
	}{{"PUT", "Bearer tok", 200}, {"POST", "", 401}} {
		req := httptest.NewRequest(tc.method, "/webhooks/grafana", strings.NewReader(string(fixture(t))))
		req.Header.Set("Content-Type", "application/json")
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Fatalf("%s: status %d, want %d: %s", tc.method, rec.Code, tc.status, rec.Body)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(fixture(f))
	f.Add([]byte(`{"alerts":[{"status":"resolved","labels":{"a":"b"},"endsAt":"2026-01-01T00:00:00Z"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		alerts, err := grafana.Decode(body)
		if err != nil {
			return
		}
		for _, a := range alerts {
			if a.Fingerprint == "" || a.Title == "" || (a.Status != bot.AlertFiring && a.Status != bot.AlertResolved) {
				t.Fatalf("decoded an unusable alert: %+v", a)
			}
		}
	})
}
