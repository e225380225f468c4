package digests_test

import (
	"slices"
	"testing"
	"time"

	"github.com/warroom/warroom/bot/digest"
)

// TestSetSchedules: valid schedules replace the running ones; invalid ones
// change nothing.
func TestSetSchedules(t *testing.T) {
	loc := berlin(t)
	r := newRunner(t, openStore(t, ""), "a", time.Date(2026, 3, 2, 8, 0, 0, 0, loc), loc)
	if got := r.Channels(); !slices.Equal(got, []string{"sre"}) {
		t.Fatalf("channels %v", got)
	}
	next := []digest.Schedule{{Name: "daily-ops", Channel: "ops", Next: daily09(loc)}, {Name: "weekly-sre", Channel: "sre", Next: daily09(loc)}}
	if err := r.SetSchedules(next); err != nil {
		t.Fatal(err)
	}
	if got := r.Channels(); !slices.Equal(got, []string{"ops", "sre"}) {
		t.Errorf("after SetSchedules: channels %v", got)
	}
	for _, bad := range [][]digest.Schedule{
		{{Name: "x", Channel: "ops", Next: daily09(loc)}, {Name: "x", Channel: "sre", Next: daily09(loc)}},
		{{Name: "y", Next: daily09(loc)}},
	} {
		if err := r.SetSchedules(bad); err == nil {
			t.Errorf("invalid schedules %+v accepted", bad)
		}
	}
	if got := r.Channels(); !slices.Equal(got, []string{"ops", "sre"}) {
		t.Errorf("a refused SetSchedules changed the channels to %v", got)
	}
}
