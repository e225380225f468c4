package ticket_test

import (
	"bytes"
	"context"
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
	ctx := context.Background()
	var logs bytes.Buffer
	now := time.Unix(1_700_000_000, 0)
	m := ticket.NewMetrics("jira")
	s := ticket.NewStopper("jira", m, slog.New(slog.NewTextHandler(&logs, nil)), nil, func() time.Time { return now })
	if s.Stopped(ctx) != "" {
		t.Fatal("a new stopper is stopped")
	}
	if got := stoppedGauge(t, m); got != 0 {
		t.Fatalf("stopped gauge = %v before a refusal", got)
	}
	refused := true
	calls := 0
	h := s.Guard(func(context.Context, bot.Job) error {
		calls++
		if refused {
			return s.Stop("401 at create", &ticket.APIError{System: "jira", Status: 401})
		}
		return nil
	})
	if d, ok := bot.WaitHint(h(ctx, bot.Job{})); !ok || d < 5*time.Second {
		t.Fatalf("a refused job waits %s, %v; want a wait of 5s or more", d, ok)
	}
	if got := s.Stopped(ctx); got != "401 at create" {
		t.Fatalf("Stopped = %q, want the reason", got)
	}
	if got := stoppedGauge(t, m); got != 1 {
		t.Errorf("stopped gauge = %v, want 1", got)
	}
	// A held job waits without a call.
	if _, ok := bot.WaitHint(h(ctx, bot.Job{})); !ok || calls != 1 {
		t.Errorf("a held job called the system (%d calls)", calls)
	}
	// The probe fails: the next one is twice as far.
	now = now.Add(5 * time.Second)
	if _, ok := bot.WaitHint(h(ctx, bot.Job{})); !ok || calls != 2 {
		t.Errorf("the probe: %d calls", calls)
	}
	now = now.Add(5 * time.Second)
	if d, ok := bot.WaitHint(h(ctx, bot.Job{})); !ok || calls != 2 || d < 5*time.Second {
		t.Errorf("5s after a failed probe: %d calls, next in %s; want none and 5s more", calls, d)
	}
	// The next probe gets through: the integration heals.
	now = now.Add(5 * time.Second)
	refused = false
	if err := h(ctx, bot.Job{}); err != nil || calls != 3 {
		t.Fatalf("the healing probe: %v, %d calls", err, calls)
	}
	if got := s.Stopped(ctx); got != "" {
		t.Errorf("Stopped = %q after healing", got)
	}
	if got := stoppedGauge(t, m); got != 0 {
		t.Errorf("stopped gauge = %v after healing", got)
	}
	if n := strings.Count(logs.String(), "jira integration stopped"); n != 1 {
		t.Errorf("logged the stop %d times, want once:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "accepted warroom's credentials again") {
		t.Errorf("the resumption was not logged:\n%s", logs.String())
	}
}

// TestStopperPausesTheInstance: a 429 pauses every job of the instance
// until Retry-After, not only the job that met it.
func TestStopperPausesTheInstance(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	s := ticket.NewStopper("jira", ticket.NewMetrics("jira"), nil, nil, func() time.Time { return now })
	calls := 0
	h := s.Guard(func(context.Context, bot.Job) error {
		calls++
		if calls == 1 {
			ae := &ticket.APIError{System: "jira", Status: 429, RetryAfter: 5 * time.Second}
			return ticket.Backoff(fmt.Errorf("create: %w", ae), ae)
		}
		return nil
	})
	if d, ok := bot.WaitHint(h(ctx, bot.Job{ID: 1})); !ok || d != 5*time.Second {
		t.Fatalf("the 429's job waits %s, %v; want 5s", d, ok)
	}
	now = now.Add(50 * time.Millisecond)
	if d, ok := bot.WaitHint(h(ctx, bot.Job{ID: 2})); !ok || d < 4*time.Second || calls != 1 {
		t.Fatalf("another job 50ms later waits %s (%v) after %d calls; want it paused without a call", d, ok, calls)
	}
	now = now.Add(5 * time.Second)
	if err := h(ctx, bot.Job{ID: 2}); err != nil || calls != 2 {
		t.Fatalf("after Retry-After: %v, %d calls", err, calls)
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
