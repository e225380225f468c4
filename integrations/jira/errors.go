package jira

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/warroom/warroom/bot/outbox"
)

// apiError is a Jira answer outside 2xx, with Jira's own message
// (errorMessages and errors) and its hint of when to come back.
type apiError struct {
	Status     int
	Message    string
	RetryAfter time.Duration // from Retry-After or X-RateLimit-Reset; 0 if none
}

func (e *apiError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("jira answered %d: %s", e.Status, msg)
}

// transport adds authentication and turns every answer outside 2xx into an
// *apiError carrying Jira's message, whatever go-jira method made the call.
type transport struct {
	host  string // credentials go to this host only, never to a redirect elsewhere
	base  http.RoundTripper
	auth  func(*http.Request)
	now   func() time.Time
	calls func(method string, status int) // counts requests, for metrics and tests
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if strings.EqualFold(r.URL.Host, t.host) {
		t.auth(r)
	}
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json")
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if t.calls != nil {
		t.calls(req.Method, resp.StatusCode)
	}
	if resp.StatusCode < 300 {
		return resp, nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	return nil, &apiError{Status: resp.StatusCode, Message: jiraMessage(body), RetryAfter: retryHint(resp.Header, t.now())}
}

// jiraMessage extracts Jira's error text: errorMessages, then errors by field.
func jiraMessage(body []byte) string {
	var e struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
		Message       string            `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil {
		s := strings.TrimSpace(string(body))
		if len(s) > 200 || strings.HasPrefix(s, "<") {
			return ""
		}
		return s
	}
	parts := append([]string(nil), e.ErrorMessages...)
	keys := make([]string, 0, len(e.Errors))
	for k := range e.Errors {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		parts = append(parts, k+": "+e.Errors[k])
	}
	if len(parts) == 0 && e.Message != "" {
		parts = append(parts, e.Message)
	}
	return strings.Join(parts, "; ")
}

// retryHint reads Retry-After (seconds or an HTTP date) or X-RateLimit-Reset
// (an ISO 8601 time or Unix seconds).
func retryHint(h http.Header, now time.Time) time.Duration {
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

// Default waits when Jira gives no hint.
const (
	defaultRateWait = 30 * time.Second // 429/503 without Retry-After
	lookupWait      = 10 * time.Second // after a create whose outcome is unknown: let the search index catch up
)

// class names an error class, for metrics.
func class(err error) string {
	var ae *apiError
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

// stopper stops the integration at the first 401 or 403: it raises one
// error, and holds every later job (no request is sent) until the process
// restarts with working credentials.
type stopper struct {
	mu     sync.Mutex
	reason string
}

func (s *stopper) stopped() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason
}

// stop records the reason; it reports whether this call stopped it.
func (s *stopper) stop(reason string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reason != "" {
		return false
	}
	s.reason = reason
	return true
}

// outcome turns a failed call into what the outbox should do with the job.
func (j *Jira) outcome(what string, err error) error {
	if err == nil {
		return nil
	}
	j.metrics.errors.WithLabelValues(class(err)).Inc()
	var ae *apiError
	if !errors.As(err, &ae) {
		return fmt.Errorf("%s: %w", what, err) // network: back off
	}
	err = fmt.Errorf("%s: %w", what, ae) // Jira's own message, without go-jira's wrapping
	switch {
	case ae.Status == 401 || ae.Status == 403:
		reason := fmt.Sprintf("Jira refused warroom's credentials (%d %s) at %s; check JIRA_USER and JIRA_TOKEN (and the account's project permissions), then restart warroom",
			ae.Status, http.StatusText(ae.Status), what)
		if j.stop.stop(reason) {
			j.metrics.stopped.Set(1)
			j.log.Error("jira integration stopped: "+reason, "err", err)
		}
		return outbox.RetryAfter(fmt.Errorf("jira stopped: %s", reason), j.cfg.StopHold)
	case ae.Status == 429 || ae.Status == 503:
		d := ae.RetryAfter
		if d <= 0 {
			d = defaultRateWait
		}
		return outbox.RetryAfter(err, d)
	case ae.Status >= 500:
		return err
	}
	return outbox.Permanent(err)
}

// held returns the error that holds a job while the integration is stopped.
func (j *Jira) held() error {
	if r := j.stop.stopped(); r != "" {
		return outbox.RetryAfter(fmt.Errorf("jira stopped: %s", r), j.cfg.StopHold)
	}
	return nil
}

// isClientError reports whether err is a definite refusal (4xx): the
// request did nothing.
func isClientError(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500
}
