package bot

import (
	"errors"
	"fmt"
)

// Code classifies a domain error so that adapters can map it to an HTTP
// status or a chat reply without parsing messages.
type Code string

// The closed set of error codes.
const (
	CodeInvalid       Code = "invalid"        // the request is malformed or a value is out of range
	CodeNotFound      Code = "not_found"      // the incident, action item or record does not exist
	CodeConflict      Code = "conflict"       // the change is not allowed from the current state
	CodeUnauthorized  Code = "unauthorized"   // the caller is not authenticated
	CodeForbidden     Code = "forbidden"      // the caller may not do this
	CodeNotConfigured Code = "not_configured" // the integration the request needs is not set up
	CodeInternal      Code = "internal"       // anything else
	CodeUnavailable   Code = "unavailable"    // overloaded: try again shortly (HTTP 503 + Retry-After)
)

// Error is a domain error with a code and a message fit to show a person.
type Error struct {
	Code Code
	Msg  string
	Err  error // optional cause, never shown to users
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds a coded error.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, CodeInternal
// for any other non-nil error and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-facing message of err: the domain message for
// coded errors, a generic sentence for anything else (whose text may carry
// details that are not for users).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return "internal error"
}

// ErrNotFound is returned by stores when a row does not exist; the Service
// turns it into a coded error naming what was missing.
var ErrNotFound = errors.New("not found")
