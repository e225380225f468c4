package discord_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/discord"
	"github.com/warroom/warroom/internal/testkit"
)

// Two replicas on one database share what Discord told either of them:
// a route's 429, a spent bucket, the global limit and message pacing.
func TestSharedBudgetAcrossReplicas(t *testing.T) {
	store := testkit.OpenStore(t, "", nil)
	a := discord.SharedBudget(store, time.Second, nil)
	b := discord.SharedBudget(store, time.Second, nil)
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	route := "POST /channels/123456789012/messages"
	other := "PATCH /channels/123456789012/messages/:id"

	if d := b.Wait(route, now); d != 0 {
		t.Fatalf("fresh route waits %v", d)
	}
	a.Observe(route, http.StatusTooManyRequests, http.Header{"Retry-After": {"2.5"}}, now)
	if d := b.Wait(route, now); d != 2500*time.Millisecond {
		t.Errorf("the other replica waits %v after a 429 with retry_after 2.5, want 2.5s", d)
	}
	if d := b.Wait(other, now); d != 0 {
		t.Errorf("another route waits %v, want 0 (a route's 429 pauses that route)", d)
	}

	a.Observe(other, http.StatusOK, http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset-After": {"1"}}, now)
	if d := b.Wait(other, now); d != time.Second {
		t.Errorf("a spent bucket makes the other replica wait %v, want 1s", d)
	}

	a.Observe(route, http.StatusTooManyRequests, http.Header{"Retry-After": {"5"}, "X-Ratelimit-Global": {"true"}}, now)
	if d := b.Wait("GET /guilds/123456789012", now.Add(time.Second)); d != 4*time.Second {
		t.Errorf("a global 429 makes every route of the other replica wait %v, want 4s", d)
	}

	if d := a.Pace("card:INC-1", now); d != 0 {
		t.Fatalf("the first write waits %v", d)
	}
	if d := b.Pace("card:INC-1", now); d != time.Second {
		t.Errorf("the other replica's write to the same message waits %v, want 1s", d)
	}
	if d := b.Pace("card:INC-1", now.Add(time.Second)); d != 0 {
		t.Errorf("a write a second later waits %v, want 0", d)
	}
}
