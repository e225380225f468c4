package pagerduty

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"
)

// emailTTL is how long a PagerDuty user's e-mail address and a service's
// escalation policy are trusted before they are asked again.
const emailTTL = time.Hour

// oncallPeople caches OnCallEmails: answers per service for
// Config.CacheTTL, escalation policies per service and e-mail addresses
// per user for emailTTL.
type oncallPeople struct {
	mu       sync.Mutex
	answers  map[string]expiring[[]string]
	policies map[string]expiring[string]
	emails   map[string]expiring[string]
}

type expiring[T any] struct {
	v     T
	until time.Time
}

// cachedValue reads *m under mu: keep may replace the map itself.
func cachedValue[T any](mu *sync.Mutex, m *map[string]expiring[T], key string, now time.Time) (T, bool) {
	mu.Lock()
	defer mu.Unlock()
	e, ok := (*m)[key]
	if !ok || !now.Before(e.until) {
		var zero T
		return zero, false
	}
	return e.v, true
}

func keep[T any](mu *sync.Mutex, m *map[string]expiring[T], key string, v T, until time.Time) {
	mu.Lock()
	defer mu.Unlock()
	if *m == nil || len(*m) >= 10000 {
		*m = map[string]expiring[T]{}
	}
	(*m)[key] = expiring[T]{v: v, until: until}
}

// KnowsService reports whether service has a PagerDuty service ID
// configured, so that its on-call can be looked up.
func (c *Client) KnowsService(service string) bool {
	return c.cfg.Token != "" && c.serviceID(service) != ""
}

func (c *Client) serviceID(service string) string {
	for name, id := range c.cfg.ServiceIDs {
		if equalFold(name, service) {
			return id
		}
	}
	return ""
}

// OnCallEmails returns the e-mail addresses of the people on call now at
// the first level of the escalation policy of service's PagerDuty service
// (Config.ServiceIDs): GET /services/{id} for its policy, GET /oncalls
// (earliest, that policy) and GET /users/{id} for each address. A service
// without an ID has nobody (nil, nil). Answers are cached for
// Config.CacheTTL, policies and addresses for an hour.
func (c *Client) OnCallEmails(ctx context.Context, service string) ([]string, error) {
	id := c.serviceID(service)
	if c.cfg.Token == "" || id == "" {
		return nil, nil
	}
	p := &c.people
	now := c.now()
	if v, ok := cachedValue(&p.mu, &p.answers, id, now); ok {
		return v, nil
	}
	policy, err := c.escalationPolicy(ctx, id, now)
	if err != nil {
		return nil, err
	}
	what := "list PagerDuty on-calls of escalation policy " + policy
	probe, err := c.admit(ctx, what, restBucket)
	if err != nil {
		return nil, err
	}
	cctx, cp := withCapture(ctx)
	resp, err := c.api.ListOnCallsWithContext(cctx, pd.ListOnCallOptions{EscalationPolicyIDs: []string{policy}, Earliest: true, Limit: 100})
	if err := c.done(cctx, what, restBucket, probe, cp, err); err != nil {
		return nil, err
	}
	var users []string
	first := uint(0)
	for _, o := range resp.OnCalls {
		if first == 0 || o.EscalationLevel < first {
			first = o.EscalationLevel
		}
	}
	for _, o := range resp.OnCalls {
		if o.EscalationLevel == first && o.User.ID != "" && !slices.Contains(users, o.User.ID) {
			users = append(users, o.User.ID)
		}
	}
	var emails []string
	for _, u := range users {
		email, err := c.userEmail(ctx, u, now)
		if err != nil {
			return nil, err
		}
		if email != "" && !slices.Contains(emails, email) {
			emails = append(emails, email)
		}
	}
	keep(&p.mu, &p.answers, id, emails, now.Add(c.cfg.CacheTTL))
	return emails, nil
}

// escalationPolicy returns the ID of a PagerDuty service's escalation
// policy.
func (c *Client) escalationPolicy(ctx context.Context, service string, now time.Time) (string, error) {
	p := &c.people
	if v, ok := cachedValue(&p.mu, &p.policies, service, now); ok {
		return v, nil
	}
	what := "read PagerDuty service " + service
	probe, err := c.admit(ctx, what, restBucket)
	if err != nil {
		return "", err
	}
	cctx, cp := withCapture(ctx)
	svc, err := c.api.GetServiceWithContext(cctx, service, nil)
	if err := c.done(cctx, what, restBucket, probe, cp, err); err != nil {
		return "", err
	}
	policy := svc.EscalationPolicy.ID
	keep(&p.mu, &p.policies, service, policy, now.Add(emailTTL))
	return policy, nil
}

// userEmail returns a PagerDuty user's e-mail address.
func (c *Client) userEmail(ctx context.Context, user string, now time.Time) (string, error) {
	p := &c.people
	if v, ok := cachedValue(&p.mu, &p.emails, user, now); ok {
		return v, nil
	}
	what := "read PagerDuty user " + user
	probe, err := c.admit(ctx, what, restBucket)
	if err != nil {
		return "", err
	}
	cctx, cp := withCapture(ctx)
	u, err := c.api.GetUserWithContext(cctx, user, pd.GetUserOptions{})
	if err := c.done(cctx, what, restBucket, probe, cp, err); err != nil {
		return "", err
	}
	email := strings.ToLower(strings.TrimSpace(u.Email))
	keep(&p.mu, &p.emails, user, email, now.Add(emailTTL))
	return email, nil
}
