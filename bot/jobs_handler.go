package bot

import (
	"context"
	"errors"
	"time"
)

// The handler contract: an integration delivers the jobs of its target
// (jobs.go) with one Handler per JobKind, which the application registers
// with the outbox worker. A wait is not a failure: RetryAfter asks for a
// later attempt, Permanent for none.

// Handler delivers one job. It returns nil when done, Permanent(err) when no
// retry can help, RetryAfter(err, d) to honour the other side's hint, or any
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

// RetryAfterHint returns the hint of a RetryAfter error.
func RetryAfterHint(err error) (time.Duration, bool) {
	var r *retryAfterError
	if errors.As(err, &r) {
		return r.after, true
	}
	return 0, false
}

// waitError marks a job that waits on something outside it (pacing, a
// rate limit, a held integration, a reconcile window): a wait, never a
// failure.
type waitError struct {
	err   error
	after time.Duration
}

func (e *waitError) Error() string { return e.err.Error() }
func (e *waitError) Unwrap() error { return e.err }

// Wait marks err as a wait of d: the job is tried again after d and the
// wait never counts toward dead-lettering.
func Wait(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &waitError{err: err, after: d}
}

// WaitHint returns how long a Wait error asks to wait.
func WaitHint(err error) (time.Duration, bool) {
	var w *waitError
	if errors.As(err, &w) {
		return w.after, true
	}
	return 0, false
}
