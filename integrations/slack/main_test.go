package slack_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves goroutines behind: Socket
// Mode, replies to response_url and the fake must all stop.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
