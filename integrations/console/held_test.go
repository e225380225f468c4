package console_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/console"
	"github.com/warroom/warroom/integrations/internal/budget"
)

// TestHeldBanner: while an integration is held after a refusal of its
// credentials, every page says so in a banner; once it heals, the banner
// goes.
func TestHeldBanner(t *testing.T) {
	ctx := context.Background()
	holds := budget.NewMemory()
	s := newStack(t, console.Config{Holds: holds})
	if res := s.request(t, "GET", "/incidents", "", nil); strings.Contains(res.body, "is held") {
		t.Fatalf("a banner with nothing held:\n%s", res.body)
	}
	if _, err := holds.HoldIntegration(ctx, "slack", "invalid_auth", time.Now(), bot.DefaultProbeBackoff, false); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/incidents"} {
		res := s.request(t, "GET", path, "", nil)
		if res.status != 200 || !strings.Contains(res.body, `<div class="banner held" role="alert"><strong>slack is held</strong>`) ||
			!strings.Contains(res.body, "(invalid_auth)") {
			t.Errorf("GET %s: %d, no banner for the held integration:\n%s", path, res.status, res.body)
		}
	}
	if _, err := holds.HealIntegration(ctx, "slack"); err != nil {
		t.Fatal(err)
	}
	if res := s.request(t, "GET", "/", "", nil); strings.Contains(res.body, "is held") {
		t.Error("the banner stayed after healing")
	}
}
