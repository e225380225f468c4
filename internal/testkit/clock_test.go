package testkit_test

import (
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/testkit"
)

func TestClockMovesOnlyWhenAdvanced(t *testing.T) {
	start := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	c := testkit.NewClock(start)
	if first, second := c.Now(), c.Now(); !first.Equal(start) || !second.Equal(start) {
		t.Fatal("the clock moved by itself")
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); c.Advance(time.Second); _ = c.Now() }()
	}
	wg.Wait()
	if got := c.Now().Sub(start); got != 10*time.Second {
		t.Errorf("after ten concurrent one-second advances the clock moved %v", got)
	}
	if got := c.Set(start); !got.Equal(start) || !c.Now().Equal(start) {
		t.Errorf("Set(start) = %v, Now = %v", got, c.Now())
	}
}
