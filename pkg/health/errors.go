package health

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"
)

// Safe output classes. A check's error is shown to callers only as one of
// these short texts (or a ClassError's own class), never as the error itself,
// which may carry host names, DSNs or other secrets.
const (
	ClassRefused     = "connection refused"
	ClassTimeout     = "timeout"
	ClassDenied      = "access denied"
	ClassNotFound    = "not found"
	ClassThrottled   = "throttled"
	ClassHostUnknown = "host not found"
	ClassUnreachable = "network unreachable"
	ClassTLS         = "tls handshake failed"
	ClassPanic       = "check panicked"
	ClassFailed      = "check failed"
	// ClassInvalidStatus is the output of a probe that answered a status
	// other than pass, warn and fail.
	ClassInvalidStatus = "invalid status"
)

// ErrTimeout reports that a check did not answer inside its time.
var ErrTimeout = errors.New("check timed out")

// ClassError pairs an internal error with the safe class shown to callers.
// Checks wrap the errors they recognise with WithClass.
type ClassError struct {
	Class string
	Err   error
}

// Error returns the class and the internal error; it is meant for logs.
func (e *ClassError) Error() string {
	if e.Err == nil {
		return e.Class
	}
	return e.Class + ": " + e.Err.Error()
}

// Unwrap returns the internal error.
func (e *ClassError) Unwrap() error { return e.Err }

// WithClass wraps err with a safe class. The class must be a short text that
// holds no secret, such as ClassDenied or "unexpected status 500".
func WithClass(class string, err error) error {
	return &ClassError{Class: class, Err: err}
}

// Classify maps err to a short, safe output. The timeout argument is the time
// the check was given, used for "timeout after …".
func Classify(err error, timeout time.Duration) string {
	var ce *ClassError
	if errors.As(err, &ce) {
		if ce.Class == ClassTimeout {
			return timeoutText(timeout)
		}
		return ce.Class
	}
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.Is(err, ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return timeoutText(timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return ClassRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return ClassUnreachable
	case errors.As(err, &dnsErr):
		return ClassHostUnknown
	case errors.As(err, &netErr) && netErr.Timeout():
		return timeoutText(timeout)
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return ClassFailed
}

func timeoutText(d time.Duration) string {
	if d <= 0 {
		return ClassTimeout
	}
	return fmt.Sprintf("timeout after %s", d.Round(time.Millisecond))
}
