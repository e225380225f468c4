package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// fireDue fires the timers of the kinds k selects that are due at now, each in its
// own transaction: it locks the incident (in the order every change takes
// its locks), claims the timer row (so that a timer fires once however many
// replicas try), runs fire and marks the timer fired. fire reports whether
// the timer still applied and wrote effects; one that no longer applies is
// spent all the same. It returns how many timers had effects.
func (s *Service) fireDue(ctx context.Context, now time.Time, limit int, k TimerKinds,
	fire func(ctx context.Context, c *change, t Timer) (bool, error)) (int, error) {
	due, err := s.store.DueTimers(ctx, k, now, limit)
	if err != nil {
		return 0, fmt.Errorf("list due timers: %w", err)
	}
	n := 0
	var errs []error
	for _, t := range due {
		fired := false
		err := s.store.InTx(ctx, func(tx Tx) error {
			inc, err := tx.LockIncident(ctx, t.Incident)
			if err != nil {
				return fmt.Errorf("load %s: %w", FormatKey(t.Incident), err)
			}
			if _, err := tx.ClaimTimer(ctx, t.ID, now); errors.Is(err, ErrNotFound) {
				return nil // fired, canceled or taken by another replica
			} else if err != nil {
				return fmt.Errorf("claim timer: %w", err)
			}
			c := &change{inc: inc, actor: "warroom", now: s.Now(), tx: tx}
			if fired, err = fire(ctx, c, t); err != nil {
				return err
			}
			if err := tx.FireTimer(ctx, t.ID, now); err != nil {
				return fmt.Errorf("fire timer: %w", err)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("fire %s timer %d of %s: %w", t.Kind, t.Level, FormatKey(t.Incident), err))
			continue
		}
		if fired {
			n++
		}
	}
	if n > 0 {
		s.committed()
	}
	return n, errors.Join(errs...)
}
