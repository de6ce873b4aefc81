package healthhttp

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"strings"

	"github.com/lambdahealth/lambdahealth/pkg/settings"
)

// Details says who is shown the per-check details of a response. Its
// values are declared in pkg/settings, which pkg/config shares.
type Details = settings.Details

// The details policies.
const (
	// DetailsNever shows every caller the status only.
	DetailsNever = settings.DetailsNever
	// DetailsAuthorized shows details to callers that present the token or
	// come through an IAM-authorized route.
	DetailsAuthorized = settings.DetailsAuthorized
	// DetailsAlways shows details to every caller.
	DetailsAlways = settings.DetailsAlways
)

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

// WithIAMCaller sets how the handler learns that a request came through an
// IAM-authorized route, which unlocks details under DetailsAuthorized:
// caller returns the principal and true for such a request. It must read
// only what the platform verified, never a header; on Lambda pass
// lambdahttp.IAMCaller. Default: none, so only the token unlocks details.
func WithIAMCaller(caller func(context.Context) (principal string, ok bool)) Option {
	return func(h *Handler) { h.caller = caller }
}
