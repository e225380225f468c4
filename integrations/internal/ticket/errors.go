package ticket

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/budget"
)

// DefaultRateWait is the wait after a 429 or 503 that gave no hint.
const DefaultRateWait = 30 * time.Second

// APIError is a ticket system's answer outside 2xx, with the system's own
// message and its hint of when to come back.
type APIError struct {
	System     string // "jira", "servicenow": names the system in Error
	Status     int
	Message    string
	RetryAfter time.Duration // from Retry-After or X-RateLimit-Reset; 0 if none
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("%s answered %d: %s", e.System, e.Status, msg)
}

// Class names an error's class, for metrics: ok, auth, rate_limited,
// server, invalid or network.
func Class(err error) string {
	var ae *APIError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &ae) && (ae.Status == 401 || ae.Status == 403):
		return "auth"
	case errors.As(err, &ae) && (ae.Status == 429 || ae.Status == 503):
		return "rate_limited"
	case errors.As(err, &ae) && ae.Status >= 500:
		return "server"
	case errors.As(err, &ae):
		return "invalid"
	}
	return "network"
}

// IsClientError reports whether err is a definite refusal (4xx): the
// request did nothing.
func IsClientError(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500
}

// Backoff is what the outbox should do with a job whose call the system
// answered with ae (err wraps it), a refusal of the credentials aside:
// 429/503 retry after the hint (or DefaultRateWait), other 5xx back off,
// anything else fails for good.
func Backoff(err error, ae *APIError) error {
	switch {
	case ae.Status == 429 || ae.Status == 503:
		d := ae.RetryAfter
		if d <= 0 {
			d = DefaultRateWait
		}
		return bot.RetryAfter(err, d)
	case ae.Status >= 500:
		return err
	}
	return bot.Permanent(err)
}

// Stopper holds an integration whose credentials were refused (401/403),
// on every replica (the hold is a shared budget): held jobs wait, one job at
// a time probes with backoff, and the first probe whose credentials are
// accepted resumes delivery, with no restart. The refusal is logged once,
// and the stopped gauge says whether this process saw the hold. It also
// pauses the whole instance after a 429 or 503 until its hint, so that no
// job of any replica calls it meanwhile.
type Stopper struct {
	system string
	gauge  prometheus.Gauge
	guard  *budget.Guard
}

// NewStopper builds the stopper of the integration named system over the
// shared budgets (nil: this process's own); now may be nil.
func NewStopper(system string, m *Metrics, log *slog.Logger, budgets bot.Budgets, now func() time.Time) *Stopper {
	g := budget.NewGuard(system, budgets, now, log)
	g.SetAdvice(system + " integration stopped: its credentials were refused; jobs wait and a probe with backoff resumes delivery once they work")
	return &Stopper{system: system, gauge: m.Stopped, guard: g}
}

// SetBackoff changes how the held integration is probed.
func (s *Stopper) SetBackoff(b bot.ProbeBackoff) { s.guard.SetBackoff(b) }

// refusal is a refusal of the credentials, with what to check.
type refusal struct {
	reason string
	err    error
}

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// Stop marks err, a refusal of the credentials, with reason (what was
// refused and what to check); the handler Guard wraps holds the
// integration when the job returns it, and Hold does for a call made
// outside a job.
func (s *Stopper) Stop(reason string, err error) error {
	return &refusal{reason: reason, err: err}
}

// Stopped returns why the integration is held, on any replica, or "".
func (s *Stopper) Stopped(ctx context.Context) string {
	held, err := s.guard.Held(ctx)
	if err != nil {
		return ""
	}
	for _, h := range held {
		if h.Integration == s.system {
			return h.Reason
		}
	}
	return ""
}

// Hold holds the integration when err is a refusal of its credentials
// (a call made outside a job: /incident ticket) and reports whether it was.
func (s *Stopper) Hold(ctx context.Context, err error) bool {
	var r *refusal
	if !errors.As(err, &r) {
		return false
	}
	_ = s.guard.Refused(ctx, r.reason, false, r.err)
	s.gauge.Set(1)
	return true
}

// Guard wraps a job handler with the integration's budgets: while the
// integration is held or its instance paused, the job waits without a
// call; a refusal holds it (a failed probe backs the next one off); a 429
// or 503 pauses the instance until its hint; a probe whose credentials were
// accepted lifts the hold.
func (s *Stopper) Guard(h bot.Handler) bot.Handler {
	return func(ctx context.Context, job bot.Job) error {
		probe, d, err := s.guard.Check(ctx, "instance") // the hold and the pause, one read
		if _, held := bot.WaitHint(err); held {
			return err
		}
		if err != nil {
			return fmt.Errorf("read %s budgets: %w", s.system, err)
		}
		if d > 0 {
			return bot.Wait(fmt.Errorf("%s asked warroom to slow down: paused", s.system), d)
		}
		err = h(ctx, job)
		var (
			r  *refusal
			ae *APIError
		)
		switch {
		case errors.As(err, &r):
			s.gauge.Set(1)
			return s.guard.Refused(ctx, r.reason, probe, r.err)
		case err != nil && !errors.As(err, &ae):
			return err // a network failure proves nothing about the credentials
		}
		if probe {
			s.guard.Accepted(ctx, true)
			s.gauge.Set(0)
		}
		if ae != nil && (ae.Status == 429 || ae.Status == 503) {
			d, _ := bot.RetryAfterHint(err)
			if perr := s.guard.Pause(ctx, "instance", d); perr != nil {
				return err
			}
			return bot.Wait(err, d)
		}
		return err
	}
}

// RetryHint reads Retry-After (seconds or an HTTP date) or X-RateLimit-Reset
// (an ISO 8601 time, as Jira sends it, or Unix seconds, as ServiceNow's
// rate-limit rules send it).
func RetryHint(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			return time.Duration(min(s, 7*24*3600)) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return max(t.Sub(now), 0)
		}
		if t, err := time.Parse("2006-01-02T15:04Z07:00", v); err == nil {
			return max(t.Sub(now), 0)
		}
		if s, err := strconv.ParseInt(v, 10, 64); err == nil {
			return max(time.Unix(s, 0).Sub(now), 0)
		}
	}
	return 0
}
