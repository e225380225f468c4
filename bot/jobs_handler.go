package bot

import (
	"context"
	"errors"
	"time"
)

// The handler contract: an integration delivers the jobs of its target
// (jobs.go) with one Handler per JobKind, which the application registers
// with the outbox worker. A wait is not a failure: Wait asks for a later
// attempt without spending the job's failure budget (pacing, a rate limit,
// Retry-After, an integration on hold); RetryAfter is a real failure with
// the other side's hint of when to try again; Permanent asks for no retry.

// Handler delivers one job. It returns nil when done, Permanent(err) when no
// retry can help, Wait(reason, d) when the job must wait without having
// failed, RetryAfter(err, d) for a failure that came with a hint, or any
// other error for a failure to retry with backoff. Only failures count
// toward dead-lettering (README.md, "Outbox").
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

// waitError asks for a later attempt that is not a failure.
type waitError struct {
	reason error
	after  time.Duration
}

func (e *waitError) Error() string { return "wait: " + e.reason.Error() }
func (e *waitError) Unwrap() error { return e.reason }

// Wait tells the worker that the job did not fail but must wait about d
// before its next attempt: a pace, a rate limit, a Retry-After answered
// before any work was done, an integration held for its credentials. The
// job keeps its failure budget. A nil reason is a plain "wait".
func Wait(reason error, d time.Duration) error {
	if reason == nil {
		reason = errors.New("wait")
	}
	return &waitError{reason: reason, after: max(d, 0)}
}

// WaitHint reports whether err is a Wait, and how long it asked to wait.
func WaitHint(err error) (time.Duration, bool) {
	var w *waitError
	if errors.As(err, &w) {
		return w.after, true
	}
	return 0, false
}
