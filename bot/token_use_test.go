package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// A token's last use is recorded, at most once a minute: uses within the
// minute after a recorded one write nothing.
func TestTokenLastUsed(t *testing.T) {
	clock := testkit.NewClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	kit := testkit.NewService(t, testkit.WithClock(clock))
	ctx := context.Background()
	secret, err := kit.Svc.CreateToken(ctx, "admin", "ci", bot.RoleResponder, false)
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() *time.Time {
		t.Helper()
		toks, err := kit.Svc.Tokens(ctx)
		if err != nil || len(toks) != 1 {
			t.Fatalf("tokens: %v %v", toks, err)
		}
		return toks[0].LastUsedAt
	}
	if lastUsed() != nil {
		t.Fatal("a new token has a last use")
	}
	first := clock.Now()
	for _, step := range []struct {
		advance time.Duration
		want    time.Time
	}{
		{0, first},
		{30 * time.Second, first}, // within the minute: not written
		{29 * time.Second, first}, // 59 s after the recorded use
		{2 * time.Second, first.Add(61 * time.Second)},
		{time.Hour, first.Add(61*time.Second + time.Hour)},
	} {
		clock.Advance(step.advance)
		tok, err := kit.Svc.Authenticate(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		if tok.Name != "ci" {
			t.Fatalf("authenticated %q", tok.Name)
		}
		if got := lastUsed(); got == nil || !got.Equal(step.want) {
			t.Errorf("at %v: last used %v, want %v", clock.Now(), got, step.want)
		}
	}
	if _, err := kit.Svc.Authenticate(ctx, secret+"x"); bot.ErrorCode(err) != bot.CodeUnauthorized {
		t.Errorf("a wrong secret: %v", err)
	}
}
