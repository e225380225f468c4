package slack

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestPacer(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	p := newPacer(time.Second, func() time.Time { return now })
	if d := p.take("C1"); d != 0 {
		t.Fatalf("first write waits %s", d)
	}
	if d := p.take("C1"); d <= 0 || d > time.Second {
		t.Errorf("second write within a second waits %s, want (0, 1s]", d)
	}
	if d := p.take("C2"); d != 0 {
		t.Errorf("another channel waits %s", d)
	}
	now = now.Add(time.Second)
	if d := p.take("C1"); d != 0 {
		t.Errorf("a write a second later waits %s", d)
	}
	p.pause("C1", 30*time.Second)
	if d := p.wait("C1"); d != 30*time.Second {
		t.Errorf("paused channel waits %s, want 30s", d)
	}
	if d := p.take("C2"); d != 0 && d > time.Second {
		t.Errorf("a 429 on C1 holds C2 for %s", d)
	}
	now = now.Add(31 * time.Second)
	if d := p.take("C1"); d != 0 {
		t.Errorf("after Retry-After the channel waits %s", d)
	}
}

func TestGate(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	g := &gate{hold: 15 * time.Minute}
	if g.check(now) != 0 {
		t.Fatal("an open gate holds")
	}
	if !g.trip(now) || g.trip(now) {
		t.Error("trip reports the first stop only")
	}
	if d := g.check(now.Add(time.Minute)); d != 14*time.Minute {
		t.Errorf("stopped gate holds %s, want 14m", d)
	}
	later := now.Add(16 * time.Minute)
	if g.check(later) != 0 {
		t.Error("after the hold one call may probe")
	}
	if g.check(later) == 0 {
		t.Error("a second call probes at the same time")
	}
	if !g.open() || g.open() {
		t.Error("open reports the first reopening only")
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		err   error
		class errorClass
		after time.Duration
	}{
		{&slack.RateLimitedError{RetryAfter: 7 * time.Second}, classRateLimit, 7 * time.Second},
		{slack.SlackErrorResponse{Err: "ratelimited"}, classRateLimit, time.Minute},
		{slack.SlackErrorResponse{Err: "invalid_auth"}, classAuth, 0},
		{slack.SlackErrorResponse{Err: "token_revoked"}, classAuth, 0},
		{slack.SlackErrorResponse{Err: "account_inactive"}, classAuth, 0},
		{slack.SlackErrorResponse{Err: "channel_not_found"}, classPermanent, 0},
		{slack.SlackErrorResponse{Err: "msg_too_long"}, classPermanent, 0},
		{slack.SlackErrorResponse{Err: "not_in_channel"}, classPermanent, 0},
		{slack.SlackErrorResponse{Err: "is_archived"}, classPermanent, 0},
		{slack.SlackErrorResponse{Err: "internal_error"}, classRetry, 0},
		{slack.StatusCodeError{Code: 503}, classRetry, 0},
		{slack.StatusCodeError{Code: 404}, classPermanent, 0},
		{errors.New("connection reset"), classRetry, 0},
	}
	for _, c := range cases {
		wrapped := fmt.Errorf("chat.update card:INC-1: %w", c.err)
		class, after := classify(wrapped)
		if class != c.class || after != c.after {
			t.Errorf("classify(%v) = %d, %s; want %d, %s", c.err, class, after, c.class, c.after)
		}
	}
}
