package bot

import (
	"context"
	"errors"
	"time"
)

// The handler contract: an integration delivers the jobs of its target
// (jobs.go) with one Handler per JobKind, which the application registers
// with the outbox worker. A wait is not a failure: Wait says the job was
// held back and runs later, RetryAfter asks for a later attempt after a
// failure, Permanent for none.

// Handler delivers one job. It returns nil when done, Permanent(err) when no
// retry can help, Wait(err, d) when it was held back without failing,
// RetryAfter(err, d) to honour the other side's hint after a failure, or any
// other error to retry with backoff.
type Handler func(ctx context.Context, job Job) error

// permanentError marks a failure that no retry can fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as final: the job is dead-lettered at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// retryAfterError carries the other side's hint of when to try again.
type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// RetryAfter marks err as temporary with a hint (Retry-After, a rate-limit
// reset): the job is retried no sooner than after.
func RetryAfter(err error, after time.Duration) error {
	if err == nil {
		return nil
	}
	return &retryAfterError{err: err, after: after}
}

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// RetryAfterHint returns the hint of a RetryAfter error, or the wait of a
// Wait error (a wait is retried no sooner than its hint either way).
func RetryAfterHint(err error) (time.Duration, bool) {
	var r *retryAfterError
	if errors.As(err, &r) {
		return r.after, true
	}
	return WaitHint(err)
}

// waitError asks for a later attempt because the job had to wait (pacing, a
// rate limit's pause, a held integration), not because it failed.
type waitError struct {
	err   error
	after time.Duration
}

func (e *waitError) Error() string { return e.err.Error() }
func (e *waitError) Unwrap() error { return e.err }

// Wait marks err as a wait of d: the job did not fail, it was held back
// (a pacing slot, a 429's pause, a held integration) and runs again no
// sooner than d. A wait never counts toward dead-lettering.
func Wait(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &waitError{err: err, after: d}
}

// WaitHint returns the wait of a Wait error.
func WaitHint(err error) (time.Duration, bool) {
	var w *waitError
	if errors.As(err, &w) {
		return w.after, true
	}
	return 0, false
}
