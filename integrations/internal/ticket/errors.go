package ticket

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
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

// Stopper stops an integration at the first refusal of its credentials: it
// records one reason, raises the stopped gauge and logs one error, and the
// integration holds every later job (no request is sent) until the process
// restarts with working credentials.
type Stopper struct {
	system string
	gauge  prometheus.Gauge
	log    *slog.Logger
	hold   time.Duration

	mu     sync.Mutex
	reason string
}

// NewStopper builds the stopper of the integration named system; a held
// job is retried after hold.
func NewStopper(system string, m *Metrics, log *slog.Logger, hold time.Duration) *Stopper {
	return &Stopper{system: system, gauge: m.Stopped, log: log, hold: hold}
}

// Stopped returns why it stopped, or "".
func (s *Stopper) Stopped() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason
}

// Stop stops the integration for reason, unless it already stopped (the
// first reason stays), and returns the error that holds the job. err is
// the refusal, for the log.
func (s *Stopper) Stop(reason string, err error) error {
	s.mu.Lock()
	first := s.reason == ""
	if first {
		s.reason = reason
	}
	s.mu.Unlock()
	if first {
		s.gauge.Set(1)
		s.log.Error(s.system+" integration stopped: "+reason, "err", err)
	}
	return s.holdErr(reason)
}

// Held returns the error that holds a job while the integration is
// stopped, or nil.
func (s *Stopper) Held() error {
	if r := s.Stopped(); r != "" {
		return s.holdErr(r)
	}
	return nil
}

func (s *Stopper) holdErr(reason string) error {
	return bot.RetryAfter(fmt.Errorf("%s stopped: %s", s.system, reason), s.hold)
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
