package checks

import (
	"regexp"
	"sync"
)

// LazyRegexp returns pattern compiled on first use rather than in package
// init: a pattern with bounded repetition (such as {3,255}) compiles to a
// large program, and package init runs at every cold start of every
// bootstrap that links the kind, whether or not a check of it is configured.
func LazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
