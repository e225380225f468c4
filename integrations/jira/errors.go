package jira

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/integrations/internal/ticket"
)

// transport adds authentication and turns every answer outside 2xx into an
// *ticket.APIError carrying Jira's message, whatever go-jira method made the call.
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
	return nil, &ticket.APIError{System: System, Status: resp.StatusCode, Message: jiraMessage(body), RetryAfter: ticket.RetryHint(resp.Header, t.now())}
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

// lookupWait is the wait after a create whose outcome is unknown: let the
// search index catch up.
const lookupWait = 10 * time.Second

// outcome turns a failed call into what the outbox should do with the job.
func (j *Jira) outcome(what string, err error) error {
	if err == nil {
		return nil
	}
	j.metrics.Errors.WithLabelValues(ticket.Class(err)).Inc()
	var ae *ticket.APIError
	if !errors.As(err, &ae) {
		return fmt.Errorf("%s: %w", what, err) // network: back off
	}
	err = fmt.Errorf("%s: %w", what, ae) // Jira's own message, without go-jira's wrapping
	if ae.Status == 401 || ae.Status == 403 {
		return j.stop.Stop(fmt.Sprintf("Jira refused warroom's credentials (%d %s) at %s; check JIRA_USER and JIRA_TOKEN (and the account's project permissions) (warroom probes with backoff and resumes by itself once they work)",
			ae.Status, http.StatusText(ae.Status), what), err)
	}
	return ticket.Backoff(err, ae)
}
