package pagerduty_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func oncall(user, policy string, level int, schedule, start, end string) map[string]any {
	m := map[string]any{
		"user":              map[string]any{"id": "P" + user, "type": "user_reference", "summary": user},
		"escalation_policy": map[string]any{"id": "PEP" + policy, "type": "escalation_policy_reference", "summary": policy},
		"escalation_level":  level,
		"start":             start,
		"end":               end,
	}
	if schedule != "" {
		m["schedule"] = map[string]any{"id": "PSCHED1", "type": "schedule_reference", "summary": schedule}
	}
	return m
}

func TestOnCallNowAndNext(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.fake.oncalls = []map[string]any{
		oncall("Alice", "Payments", 1, "Primary", "2026-11-02T08:00:00Z", "2026-11-02T20:00:00Z"),
		oncall("Bob", "Payments", 1, "Primary", "2026-11-02T20:00:00Z", "2026-11-03T08:00:00Z"),
		oncall("Carol", "Payments", 1, "Primary", "2026-11-03T08:00:00Z", "2026-11-03T20:00:00Z"),
		oncall("Dave", "Payments", 2, "", "", ""),
	}
	out, err := e.pd.OnCall(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Payments, level 1 (Primary): now Alice until Mon 20:00 UTC; next Bob from Mon 20:00 UTC", "Payments, level 2: now Dave"} {
		if !strings.Contains(out, want) {
			t.Errorf("answer lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Carol") {
		t.Errorf("answer names the one after next:\n%s", out)
	}

	// Cached briefly on the injected clock.
	if _, err := e.pd.OnCall(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if e.fake.oncallReq != 1 {
		t.Errorf("%d requests within the cache time, want 1", e.fake.oncallReq)
	}
	e.clock.Advance(61 * time.Second)
	if _, err := e.pd.OnCall(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if e.fake.oncallReq != 2 {
		t.Errorf("%d requests after the cache time, want 2", e.fake.oncallReq)
	}

	// A named schedule is looked up by its configured ID.
	if _, err := e.pd.OnCall(ctx, "primary"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.fake.lastQuery, "schedule_ids%5B%5D=PSCHED1") {
		t.Errorf("query %q lacks the schedule id", e.fake.lastQuery)
	}
	if _, err := e.pd.OnCall(ctx, "nonsense schedule"); bot.ErrorCode(err) != bot.CodeInvalid {
		t.Errorf("unknown schedule: %v, want invalid", err)
	}
}

func TestOnCallNobody(t *testing.T) {
	e := newEnv(t)
	out, err := e.pd.OnCall(context.Background(), "")
	if err != nil || !strings.Contains(out, "Nobody is on call") {
		t.Errorf("OnCall = %q, %v", out, err)
	}
}
