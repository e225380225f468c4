package ticket_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/ticket"
)

func TestAPIErrorMessage(t *testing.T) {
	for _, c := range []struct {
		err  *ticket.APIError
		want string
	}{
		{&ticket.APIError{System: "jira", Status: 400, Message: "summary: required"}, "jira answered 400: summary: required"},
		{&ticket.APIError{System: "servicenow", Status: 503}, "servicenow answered 503: Service Unavailable"},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
}

func TestClassAndBackoff(t *testing.T) {
	api := func(status int, hint time.Duration) error {
		return fmt.Errorf("create: %w", &ticket.APIError{System: "jira", Status: status, RetryAfter: hint})
	}
	for _, c := range []struct {
		name      string
		err       error
		class     string
		client    bool
		permanent bool
		wait      time.Duration // a RetryAfter hint, or 0 for none
	}{
		{"nil", nil, "ok", false, false, 0},
		{"network", errors.New("dial tcp: refused"), "network", false, false, 0},
		{"401", api(401, 0), "auth", true, true, 0},
		{"403", api(403, 0), "auth", true, true, 0},
		{"429 with hint", api(429, 90*time.Second), "rate_limited", true, false, 90 * time.Second},
		{"429 without hint", api(429, 0), "rate_limited", true, false, ticket.DefaultRateWait},
		{"503", api(503, 0), "rate_limited", false, false, ticket.DefaultRateWait},
		{"500", api(500, 0), "server", false, false, 0},
		{"400", api(400, 0), "invalid", true, true, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ticket.Class(c.err); got != c.class {
				t.Errorf("Class = %q, want %q", got, c.class)
			}
			if got := ticket.IsClientError(c.err); got != c.client {
				t.Errorf("IsClientError = %v, want %v", got, c.client)
			}
			var ae *ticket.APIError
			if !errors.As(c.err, &ae) {
				return
			}
			out := ticket.Backoff(c.err, ae)
			if !errors.Is(out, c.err) {
				t.Errorf("Backoff lost the cause: %v", out)
			}
			if got := bot.IsPermanent(out); got != c.permanent {
				t.Errorf("permanent = %v, want %v", got, c.permanent)
			}
			d, ok := bot.RetryAfterHint(out)
			if !ok {
				d = 0
			}
			if d != c.wait {
				t.Errorf("wait = %s, want %s", d, c.wait)
			}
		})
	}
}

func TestStopper(t *testing.T) {
	var logs bytes.Buffer
	m := ticket.NewMetrics("jira")
	s := ticket.NewStopper("jira", m, slog.New(slog.NewTextHandler(&logs, nil)), 30*time.Minute)
	if s.Stopped() != "" || s.Held() != nil {
		t.Fatal("a new stopper is stopped")
	}
	if got := stoppedGauge(t, m); got != 0 {
		t.Fatalf("stopped gauge = %v before a refusal", got)
	}
	first := s.Stop("401 at create", errors.New("jira answered 401"))
	second := s.Stop("403 at update", errors.New("jira answered 403"))
	if got := s.Stopped(); got != "401 at create" {
		t.Fatalf("Stopped = %q, want the first reason", got)
	}
	// each refusal's hold names that refusal; a later job is held by the first
	for _, c := range []struct {
		err  error
		want string
	}{
		{first, "jira stopped: 401 at create"},
		{second, "jira stopped: 403 at update"},
		{s.Held(), "jira stopped: 401 at create"},
	} {
		if d, ok := bot.RetryAfterHint(c.err); !ok || d != 30*time.Minute {
			t.Errorf("hold = %s, %v; want 30m", d, ok)
		}
		if c.err.Error() != c.want {
			t.Errorf("hold error = %q, want %q", c.err, c.want)
		}
	}
	if got := stoppedGauge(t, m); got != 1 {
		t.Errorf("stopped gauge = %v, want 1", got)
	}
	if n := strings.Count(logs.String(), "jira integration stopped: 401 at create"); n != 1 {
		t.Errorf("logged the stop %d times, want once:\n%s", n, logs.String())
	}
}

func TestRetryHint(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"none", http.Header{}, 0},
		{"seconds", http.Header{"Retry-After": {"90"}}, 90 * time.Second},
		{"capped at a week", http.Header{"Retry-After": {"99999999"}}, 7 * 24 * time.Hour},
		{"http date", http.Header{"Retry-After": {now.Add(2 * time.Minute).Format(http.TimeFormat)}}, 2 * time.Minute},
		{"date in the past", http.Header{"Retry-After": {now.Add(-time.Minute).Format(http.TimeFormat)}}, 0},
		{"reset rfc3339", http.Header{"X-Ratelimit-Reset": {now.Add(5 * time.Minute).Format(time.RFC3339)}}, 5 * time.Minute},
		{"reset minutes", http.Header{"X-Ratelimit-Reset": {"2026-11-22T12:03Z"}}, 3 * time.Minute},
		{"reset unix", http.Header{"X-Ratelimit-Reset": {fmt.Sprint(now.Add(time.Minute).Unix())}}, time.Minute},
		{"garbage", http.Header{"Retry-After": {"soon"}, "X-Ratelimit-Reset": {"later"}}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ticket.RetryHint(c.header, now); got != c.want {
				t.Errorf("RetryHint = %s, want %s", got, c.want)
			}
		})
	}
}

// stoppedGauge reads warroom_ticket_stopped from m.
func stoppedGauge(t *testing.T, m *ticket.Metrics) float64 {
	t.Helper()
	for _, f := range gather(t, m) {
		if f.GetName() == "warroom_ticket_stopped" {
			return f.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatal("no warroom_ticket_stopped")
	return 0
}
