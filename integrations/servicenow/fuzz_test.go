package servicenow

import (
	"net/http"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/internal/ticket"
)

// FuzzErrorBody: any answer body and rate-limit headers give a message and
// a wait, never a panic or a negative wait.
func FuzzErrorBody(f *testing.F) {
	f.Add(`{"error":{"message":"Invalid table","detail":"x"},"status":"failure"}`, "30", "")
	f.Add(`<html>`, "Wed, 21 Oct 2026 07:28:00 GMT", "1700000000")
	f.Fuzz(func(t *testing.T, body, retryAfter, reset string) {
		_ = snMessage([]byte(body))
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		h.Set("X-RateLimit-Reset", reset)
		if d := ticket.RetryHint(h, time.Unix(1_800_000_000, 0)); d < 0 {
			t.Fatalf("negative wait %s", d)
		}
	})
}
