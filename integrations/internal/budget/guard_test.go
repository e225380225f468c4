package budget_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/budget"
)

func TestGuardHoldsProbesAndHeals(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	var logs bytes.Buffer
	mem := budget.NewMemory()
	g := budget.NewGuard("jira", mem, func() time.Time { return now }, slog.New(slog.NewTextHandler(&logs, nil)))
	other := budget.NewGuard("jira", mem, func() time.Time { return now }, nil) // another replica
	refusal := errors.New("jira answered 401")
	for range 3 { // three jobs in flight meet the refusal
		err := g.Refused(ctx, "401", false, refusal)
		if d, ok := bot.WaitHint(err); !ok || d < 5*time.Second || !errors.Is(err, refusal) {
			t.Fatalf("Refused = %v (wait %s, %v)", err, d, ok)
		}
	}
	if n := strings.Count(logs.String(), "refused warroom's credentials"); n != 1 {
		t.Errorf("the refusal was logged %d times, want once:\n%s", n, &logs)
	}
	if _, err := other.Admit(ctx); err == nil {
		t.Fatal("another replica's call went while held")
	} else if d, ok := bot.WaitHint(err); !ok || d > budget.MaxHeldWait+time.Second {
		t.Errorf("a held job waits %s (%v)", d, ok)
	}
	now = now.Add(5 * time.Second)
	probe, err := other.Admit(ctx)
	if err != nil || !probe {
		t.Fatalf("at the probe time: probe %v, %v", probe, err)
	}
	if _, err := g.Admit(ctx); err == nil {
		t.Fatal("two calls probe at once")
	}
	other.Accepted(ctx, probe)
	if probe, err := g.Admit(ctx); err != nil || probe {
		t.Errorf("after the probe healed it: probe %v, %v", probe, err)
	}
	if held, _ := g.Held(ctx); len(held) != 0 {
		t.Errorf("still held: %+v", held)
	}
}

func TestGuardPacesAndPauses(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	g := budget.NewGuard("slack", nil, func() time.Time { return now }, nil)
	if d, err := g.Take(ctx, "C1", time.Second, 1); d != 0 || err != nil {
		t.Fatalf("first slot waits %s, %v", d, err)
	}
	if d, _ := g.Take(ctx, "C1", time.Second, 1); d < time.Second || d > 2*time.Second {
		t.Errorf("second slot waits %s, want [1s, 2s]", d)
	}
	if err := g.Pause(ctx, "chat.postMessage:C1", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if d, _ := g.Paused(ctx, "chat.postMessage:C1"); d < 30*time.Second || d > 31*time.Second {
		t.Errorf("paused for %s, want [30s, 31s]", d)
	}
	if d, _ := g.Paused(ctx, "chat.update:C1"); d != 0 {
		t.Errorf("another method paused for %s", d)
	}
}
