package pagerduty_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/pagerduty"
)

func TestDeclarePagesAtOrAboveThreshold(t *testing.T) {
	for _, tc := range []struct {
		sev  bot.Severity
		want []string
	}{
		{bot.SEV1, []string{"trigger INC-1"}},
		{bot.SEV2, []string{"trigger INC-1"}},
		{bot.SEV3, nil},
		{bot.SEV4, nil},
	} {
		t.Run(tc.sev.String(), func(t *testing.T) {
			e := newEnv(t)
			inc := e.declare(tc.sev, "Checkout is down")
			e.drain()
			if diff := cmp.Diff(tc.want, e.fake.eventActions()); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if got := len(e.entries(inc.Number, bot.EntryPageSent)); got != len(tc.want) {
				t.Errorf("%d page_sent entries, want %d", got, len(tc.want))
			}
			if len(tc.want) == 0 {
				return
			}
			ev := e.fake.events[0]
			p := ev["payload"].(map[string]any)
			if ev["routing_key"] != routingKey || p["severity"] == "" || !strings.Contains(p["summary"].(string), "Checkout is down") ||
				ev["client_url"] != "https://warroom.example/incidents/1" {
				t.Errorf("event %v", ev)
			}
		})
	}
}

func TestAckAndResolveAreMirrored(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	inc := e.declare(bot.SEV1, "Database on fire")
	quiet := e.declare(bot.SEV3, "Slow dashboard")
	e.drain()
	for _, n := range []int64{inc.Number, quiet.Number} {
		if _, err := e.svc.Ack(ctx, bot.Cause{}, n, "bob"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Resolve(ctx, bot.Cause{}, n, "bob", "fixed"); err != nil {
			t.Fatal(err)
		}
	}
	e.drain()
	want := []string{"trigger INC-1", "acknowledge INC-1", "resolve INC-1"}
	if diff := cmp.Diff(want, e.fake.eventActions()); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestSeverityRaisedPages(t *testing.T) {
	e := newEnv(t)
	inc := e.declare(bot.SEV3, "Creeping errors")
	if _, err := e.svc.SetSeverity(context.Background(), inc.Number, "bob", bot.SEV1); err != nil {
		t.Fatal(err)
	}
	e.drain()
	if diff := cmp.Diff([]string{"trigger INC-1"}, e.fake.eventActions()); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestEventErrorClasses(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		dead      string        // dead-letter message fragment; "" when retried
		retryWait time.Duration // when retried: the wait before the next attempt
	}{
		{"rate limited waits for Retry-After", http.StatusTooManyRequests, "", 17 * time.Second},
		{"server error retries", http.StatusInternalServerError, "", time.Second},
		{"bad request is permanent with PagerDuty's message", http.StatusBadRequest, "'payload.summary' is too long", 0},
		{"unauthorized stops with one clear error", http.StatusUnauthorized, "refused the credentials", 0},
		{"forbidden stops with one clear error", http.StatusForbidden, "refused the credentials", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t)
			e.fake.failNext(tc.status)
			inc := e.declare(bot.SEV1, "Paging trouble")
			if _, err := e.worker.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			dead, err := e.store.DeadJobs(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			if tc.dead != "" {
				if len(dead) != 1 || !strings.Contains(dead[0].LastError, tc.dead) {
					t.Fatalf("dead jobs %+v, want one whose error says %q", dead, tc.dead)
				}
				if len(e.entries(inc.Number, bot.EntryPageSent)) != 0 {
					t.Error("a refused page is on the timeline")
				}
				return
			}
			if len(dead) != 0 {
				t.Fatalf("dead jobs %+v, want a retry", dead)
			}
			e.clock.Advance(tc.retryWait - time.Millisecond)
			if n, _ := e.worker.RunOnce(ctx); n != 0 {
				t.Errorf("retried %d jobs before the wait was over", n)
			}
			e.clock.Advance(time.Millisecond)
			e.drain()
			if diff := cmp.Diff([]string{"trigger INC-1"}, e.fake.eventActions()); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if got := len(e.entries(inc.Number, bot.EntryPageSent)); got != 1 {
				t.Errorf("%d page_sent entries, want 1", got)
			}
		})
	}
}

// A job delivered twice (the worker died after PagerDuty accepted it) is
// recorded once; PagerDuty dedups the event by its dedup_key.
func TestRedeliveryRecordsThePageOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	inc := e.declare(bot.SEV1, "Twice")
	jobs, err := e.store.Claim(ctx, "w", "", e.clock.Now(), time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	h := e.pd.Handlers()[bot.JobKindOf(pagerduty.Target, bot.EffectTrigger)]
	for _, j := range jobs {
		if j.Kind != "pagerduty.trigger" {
			continue
		}
		for range 3 {
			if err := h(ctx, j); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := len(e.entries(inc.Number, bot.EntryPageSent)); got != 1 {
		t.Errorf("%d page_sent entries, want 1", got)
	}
	for _, ev := range e.fake.events {
		if ev["dedup_key"] != "INC-1" {
			t.Errorf("event with dedup_key %v", ev["dedup_key"])
		}
	}
}

func TestPageCommand(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.fake.users = []map[string]any{
		{"id": "PUSER01", "type": "user", "name": "Alice Smith", "email": "alice@example.com"},
		{"id": "PUSER02", "type": "user", "name": "Alan Smithee", "email": "alan@example.com"},
	}
	inc := e.declare(bot.SEV3, "Payments flaky")

	out, err := e.pd.Page(ctx, inc, "payments", "card declines up", "bob")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Paging payments about INC-1") {
		t.Errorf("reply %q", out)
	}
	out, err = e.pd.Page(ctx, inc, "@alice", "", "bob")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Paging @alice about INC-1") {
		t.Errorf("reply %q", out)
	}
	e.drain()
	evs := e.fake.events
	if len(evs) != 1 || evs[0]["routing_key"] != paymentsKey || evs[0]["dedup_key"] != "INC-1" ||
		evs[0]["payload"].(map[string]any)["summary"] != "card declines up" {
		t.Errorf("events %v, want one trigger to the payments key", evs)
	}
	if len(e.fake.incidents) != 1 || e.fake.froms[0] != "warroom@example.com" {
		t.Fatalf("REST incidents %v from %v", e.fake.incidents, e.fake.froms)
	}
	got := e.fake.incidents[0]
	as := got["assignments"].([]any)[0].(map[string]any)["assignee"].(map[string]any)
	if as["id"] != "PUSER01" || got["incident_key"] != "INC-1:alice" || got["service"].(map[string]any)["id"] != "PSVC001" {
		t.Errorf("REST incident %v", got)
	}
	pages := e.entries(inc.Number, bot.EntryPageSent)
	if len(pages) != 2 || !strings.Contains(pages[0].Text+pages[1].Text, "payments") || !strings.Contains(pages[0].Text+pages[1].Text, "alice") {
		t.Errorf("page_sent entries %+v", pages)
	}

	// Errors a person sees.
	if _, err := e.pd.Page(ctx, inc, "nosuch", "", "bob"); bot.ErrorCode(err) != bot.CodeInvalid {
		t.Errorf("unknown service: %v, want invalid", err)
	}
	// Without an incident the page is sent at once.
	out, err = e.pd.Page(ctx, nil, "payments", "look at the queue", "bob")
	if err != nil || !strings.Contains(out, "Paged payments") {
		t.Errorf("page without incident = %q, %v", out, err)
	}
	if n := len(e.fake.events); n != 2 {
		t.Errorf("%d events, want 2", n)
	}
}

func TestPageUserNeedsRESTConfig(t *testing.T) {
	e := newEnv(t, func(c *pagerduty.Config) { c.From = "" })
	_, err := e.pd.Page(context.Background(), nil, "@alice", "", "bob")
	if bot.ErrorCode(err) != bot.CodeNotConfigured {
		t.Errorf("err = %v, want not_configured", err)
	}
}

func TestRESTRefusedCredentials(t *testing.T) {
	e := newEnv(t, func(c *pagerduty.Config) { c.Token = "wrong" })
	_, err := e.pd.OnCall(context.Background(), "")
	if bot.ErrorCode(err) != bot.CodeNotConfigured || !strings.Contains(bot.ErrorMessage(err), "refused the credentials") {
		t.Errorf("err = %v, want not_configured saying the credentials were refused", err)
	}
	if err != nil && strings.Contains(err.Error(), "wrong") {
		t.Error("the error shows the token")
	}
}

func TestReopenPagesAgain(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	inc := e.declare(bot.SEV1, "Flapping")
	if _, err := e.svc.Resolve(ctx, bot.Cause{}, inc.Number, "bob", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Reopen(ctx, inc.Number, "bob"); err != nil {
		t.Fatal(err)
	}
	e.drain()
	want := []string{"trigger INC-1", "resolve INC-1", "trigger INC-1"}
	if diff := cmp.Diff(want, e.fake.eventActions()); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}
