package schedule_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/engine/schedule"
)

func TestTickRunsEveryTaskAndJoinsErrors(t *testing.T) {
	s := schedule.New(schedule.Config{}, nil)
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var seen []time.Time
	s.Add("first", func(_ context.Context, now time.Time) error { seen = append(seen, now); return errors.New("boom") })
	s.Add("second", func(_ context.Context, now time.Time) error { seen = append(seen, now); return nil })
	err := s.Tick(context.Background(), at)
	if err == nil || !strings.Contains(err.Error(), "first: boom") {
		t.Errorf("Tick = %v, want the first task's error", err)
	}
	if len(seen) != 2 || !seen[0].Equal(at) || !seen[1].Equal(at) {
		t.Errorf("tasks saw %v, want both at %v", seen, at)
	}
}

func TestLeaderTasksRunOnTheLeaderOnly(t *testing.T) {
	for _, tc := range []struct {
		name    string
		leading bool
		want    int32
	}{{"leader", true, 1}, {"follower", false, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			var released, ran, everywhere atomic.Int32
			s := schedule.New(schedule.Config{Lead: func(context.Context, string) (func(), bool, error) {
				return func() { released.Add(1) }, tc.leading, nil
			}}, nil)
			s.AddLeader("digest", func(context.Context, time.Time) error { ran.Add(1); return nil })
			s.Add("escalation", func(context.Context, time.Time) error { everywhere.Add(1); return nil })
			if err := s.Tick(context.Background(), time.Now()); err != nil {
				t.Fatal(err)
			}
			if ran.Load() != tc.want || released.Load() != tc.want || everywhere.Load() != 1 {
				t.Errorf("leader task ran %d (released %d), row-claimed task %d", ran.Load(), released.Load(), everywhere.Load())
			}
		})
	}
}

func TestRunTicksUntilCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ticked := make(chan struct{}, 10)
	s := schedule.New(schedule.Config{Interval: time.Millisecond}, nil)
	s.Add("count", func(context.Context, time.Time) error {
		select {
		case ticked <- struct{}{}:
		default:
		}
		return nil
	})
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	for range 2 {
		select {
		case <-ticked:
		case <-time.After(10 * time.Second):
			t.Fatal("no tick")
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
}
