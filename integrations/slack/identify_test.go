package slack_test

import (
	"context"
	"testing"

	"github.com/warroom/warroom/integrations/slack"
)

// Identify reads a user's e-mail from users.info, once per hour.
func TestIdentify(t *testing.T) {
	s := newStack(t, options{})
	s.fake.SetEmail("U0ALICE", "alice@example.com")
	ctx := context.Background()
	for range 3 {
		if got := s.app.Identify(ctx, slack.Platform, "U0ALICE"); got != "alice@example.com" {
			t.Fatalf("Identify = %q", got)
		}
	}
	if n := len(s.fake.Calls("users.info")); n != 1 {
		t.Errorf("%d users.info calls, want 1 (cached)", n)
	}
	if got := s.app.Identify(ctx, slack.Platform, "U0NOMAIL"); got != "" {
		t.Errorf("no e-mail: %q", got)
	}
	if got := s.app.Identify(ctx, "discord", "U0ALICE"); got != "" {
		t.Errorf("another platform: %q", got)
	}
}
