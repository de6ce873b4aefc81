package healthhttp

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"strings"
)

// Details says who is shown the per-check details of a response.
type Details string

// The details policies.
const (
	// DetailsNever shows every caller the status only.
	DetailsNever Details = "never"
	// DetailsAuthorized shows details to callers that present the token or
	// come through an IAM-authorized route.
	DetailsAuthorized Details = "authorized"
	// DetailsAlways shows details to every caller.
	DetailsAlways Details = "always"
)

// ParseDetails parses a details policy.
func ParseDetails(s string) (Details, error) {
	switch d := Details(s); d {
	case DetailsNever, DetailsAuthorized, DetailsAlways:
		return d, nil
	}
	return "", fmt.Errorf("%q is not one of never, authorized, always", s)
}

type ctxKey int

const (
	iamKey ctxKey = iota
	requestIDKey
)

// WithIAMCaller marks ctx as coming through an IAM-authorized route, which
// the Lambda adapter knows from the event's request context. Only code that
// verified that should call it; headers are never trusted for it.
func WithIAMCaller(ctx context.Context, principal string) context.Context {
	return context.WithValue(ctx, iamKey, principal)
}

// IAMCaller returns the IAM principal set by WithIAMCaller.
func IAMCaller(ctx context.Context) (string, bool) {
	p, ok := ctx.Value(iamKey).(string)
	return p, ok && p != ""
}

// WithRequestID attaches a request ID for the handler's logs.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// tokenMatcher compares bearer tokens in constant time. It keeps only the
// token's SHA-256, so neither the comparison's time nor a memory dump of the
// handler gives the token's length or content away.
type tokenMatcher struct {
	sum [sha256.Size]byte
	set bool
}

func newTokenMatcher(token string) tokenMatcher {
	if token == "" {
		return tokenMatcher{}
	}
	return tokenMatcher{sum: sha256.Sum256([]byte(token)), set: true}
}

// match reports whether the Authorization header carries the token.
func (m tokenMatcher) match(authorization string) bool {
	if !m.set {
		return false
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(authorization), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return subtle.ConstantTimeCompare(got[:], m.sum[:]) == 1
}
