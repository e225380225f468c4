package slack_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/warroom/warroom/integrations/slack/slacktest"
)

// TestLookupEmail: users.lookupByEmail finds the Slack user of an e-mail
// address (case aside), answers "" for nobody, caches both, and honours a
// 429's Retry-After: while it runs nothing more is asked.
func TestLookupEmail(t *testing.T) {
	s := newStack(t, options{})
	s.fake.SetEmail("U0ERIN", "Erin@Example.com")
	ctx := context.Background()
	if id, err := s.app.LookupEmail(ctx, "erin@example.com"); err != nil || id != "U0ERIN" {
		t.Fatalf("LookupEmail = %q, %v", id, err)
	}
	if id, err := s.app.LookupEmail(ctx, "ERIN@example.com "); err != nil || id != "U0ERIN" {
		t.Fatalf("again = %q, %v", id, err)
	}
	if id, err := s.app.LookupEmail(ctx, "nobody@example.com"); err != nil || id != "" {
		t.Fatalf("nobody = %q, %v", id, err)
	}
	if n := len(s.fake.Calls("users.lookupByEmail")); n != 2 {
		t.Errorf("%d users.lookupByEmail calls, want 2 (cached)", n)
	}

	s.fake.Fail("users.lookupByEmail", slacktest.Failure{Error: "ratelimited", Status: http.StatusTooManyRequests, RetryAfter: 30})
	if _, err := s.app.LookupEmail(ctx, "dave@example.com"); err == nil {
		t.Fatal("a 429 gave no error")
	}
	n := len(s.fake.Calls("users.lookupByEmail"))
	if _, err := s.app.LookupEmail(ctx, "frank@example.com"); err == nil || len(s.fake.Calls("users.lookupByEmail")) != n {
		t.Errorf("during Retry-After: %v, %d calls (was %d)", err, len(s.fake.Calls("users.lookupByEmail")), n)
	}
}
