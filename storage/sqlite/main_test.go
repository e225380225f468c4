package sqlite_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Every store a test opens is closed, with its goroutines.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
