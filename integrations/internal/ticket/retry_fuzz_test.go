package ticket_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/internal/ticket"
)

// FuzzRetryHint: any Retry-After or X-RateLimit-Reset is read without a
// panic, and never as a negative wait.
func FuzzRetryHint(f *testing.F) {
	f.Add("120", "")
	f.Add("Wed, 21 Oct 2026 07:28:00 GMT", "")
	f.Add("", "2026-11-22T12:05Z")
	f.Add("-1", "1795348800")
	f.Add("99999999999999999999", "")
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, retryAfter, reset string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		h.Set("X-RateLimit-Reset", reset)
		if d := ticket.RetryHint(h, now); d < 0 {
			t.Fatalf("Retry-After %q, reset %q: %s", retryAfter, reset, d)
		}
	})
}
