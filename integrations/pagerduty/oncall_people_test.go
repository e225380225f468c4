package pagerduty_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/pagerduty"
)

func withServiceIDs(c *pagerduty.Config) { c.ServiceIDs = map[string]string{"payments": "PSVCPAY"} }

func TestOnCallEmailsOfAService(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, withServiceIDs)
	e.fake.services = map[string]string{"PSVCPAY": "PEPPayments"}
	e.fake.users = []map[string]any{
		{"id": "PAlice", "type": "user", "name": "Alice", "email": "Alice@Example.com"},
		{"id": "PDave", "type": "user", "name": "Dave", "email": "dave@example.com"},
		{"id": "PErin", "type": "user", "name": "Erin", "email": "erin@example.com"},
	}
	e.fake.oncalls = []map[string]any{
		oncall("Alice", "Payments", 1, "Primary", "2026-11-02T08:00:00Z", "2026-11-02T20:00:00Z"),
		oncall("Dave", "Payments", 2, "", "", ""),
		oncall("Erin", "Other", 1, "", "", ""),
	}
	got, err := e.pd.OnCallEmails(ctx, "Payments")
	if err != nil || !slices.Equal(got, []string{"alice@example.com"}) {
		t.Fatalf("OnCallEmails = %v, %v; want the first level of the service's policy only", got, err)
	}
	if !strings.Contains(e.fake.lastQuery, "escalation_policy_ids%5B%5D=PEPPayments") || !strings.Contains(e.fake.lastQuery, "earliest=true") {
		t.Errorf("query %q does not ask for the policy's earliest on-calls", e.fake.lastQuery)
	}

	// Cached on the injected clock; asked again after the cache time.
	n := e.fake.restReq
	if _, err := e.pd.OnCallEmails(ctx, "payments"); err != nil || e.fake.restReq != n {
		t.Errorf("second lookup within the cache time made %d requests (%v)", e.fake.restReq-n, err)
	}
	e.clock.Advance(61 * time.Second)
	e.fake.oncalls[0] = oncall("Erin", "Payments", 1, "", "", "")
	if got, err := e.pd.OnCallEmails(ctx, "payments"); err != nil || !slices.Equal(got, []string{"erin@example.com"}) {
		t.Errorf("after the cache time: %v, %v; want the new on-call", got, err)
	}

	// A service without an ID has nobody, and asks nothing.
	n = e.fake.restReq
	if got, err := e.pd.OnCallEmails(ctx, "search"); got != nil || err != nil || e.fake.restReq != n {
		t.Errorf("unmapped service: %v, %v, %d requests", got, err, e.fake.restReq-n)
	}
}

func TestOnCallEmailsRateLimited(t *testing.T) {
	e := newEnv(t, withServiceIDs)
	e.fake.services = map[string]string{"PSVCPAY": "PEPPayments"}
	e.fake.restFail = []int{http.StatusTooManyRequests}
	if _, err := e.pd.OnCallEmails(context.Background(), "payments"); err == nil {
		t.Fatal("a 429 gave no error")
	}
	// REST is paused for Retry-After: nothing is asked until it has passed.
	n := e.fake.restReq
	if _, err := e.pd.OnCallEmails(context.Background(), "payments"); err == nil || e.fake.restReq != n {
		t.Errorf("during the pause: err %v, %d requests", err, e.fake.restReq-n)
	}
	e.clock.Advance(31 * time.Second)
	if _, err := e.pd.OnCallEmails(context.Background(), "payments"); err != nil {
		t.Errorf("after Retry-After: %v", err)
	}
}
