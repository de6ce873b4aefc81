package healthhttp

import (
	"fmt"
	"net/http"
	"path"
	"strings"
)

// DefaultBasePath is where the health routes live unless WithBasePath
// moves them.
const DefaultBasePath = "/health"

// The routes a Handler answers under DefaultBasePath, and the aliases it
// answers at the root. A trailing slash is ignored on every one of them.
const (
	// RouteHealth answers every check, with details.
	RouteHealth = DefaultBasePath
	// RouteLive answers liveness: the process answers, no dependency I/O.
	RouteLive = DefaultBasePath + "/live"
	// RouteReady answers readiness: the critical checks.
	RouteReady = DefaultBasePath + "/ready"
	// RouteChecks, followed by a check's name, answers that check.
	RouteChecks = DefaultBasePath + "/checks/"
	// AliasLivez and AliasHealthz answer as RouteLive.
	AliasLivez   = "/livez"
	AliasHealthz = "/healthz"
	// AliasReadyz answers as RouteReady.
	AliasReadyz = "/readyz"
)

// route names what a path asks for.
type route int

const (
	routeNone route = iota
	routeLive
	routeReady
	routeHealth
	routeCheck
)

// routes are the paths a Handler answers, derived from its base path.
type routes struct {
	base, live, ready, checks string
	livez, healthz, readyz    string
}

// newRoutes derives the routes from a base path: B, B/live, B/ready and
// B/checks/{name}, and the aliases livez, healthz and readyz beside B (in
// B's parent: /livez for /health, /v1/livez for /v1/health).
func newRoutes(base string) routes {
	base = "/" + strings.Trim(base, "/")
	parent := path.Dir(base)
	if !strings.HasSuffix(parent, "/") {
		parent += "/"
	}
	rs := routes{base: base, livez: parent + "livez", healthz: parent + "healthz", readyz: parent + "readyz"}
	if base == "/" {
		base = ""
	}
	rs.live, rs.ready, rs.checks = base+"/live", base+"/ready", base+"/checks/"
	return rs
}

// match maps a path to a route, and for single checks the check name.
// path is already percent-decoded (URL.Path): decoding the name again
// would answer "/health/checks/%2577eb" as the check "web".
func (rs routes) match(path string) (route, string) {
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	switch path {
	case rs.live, rs.livez, rs.healthz:
		return routeLive, ""
	case rs.ready, rs.readyz:
		return routeReady, ""
	case rs.base:
		return routeHealth, ""
	}
	if name, ok := strings.CutPrefix(path, rs.checks); ok && name != "" && !strings.Contains(name, "/") {
		return routeCheck, name
	}
	return routeNone, ""
}

// WithBasePath moves the health routes from DefaultBasePath to base:
// WithBasePath("/v1/health") answers /v1/health, /v1/health/live,
// /v1/health/ready and /v1/health/checks/{name}, with the aliases
// /v1/livez, /v1/healthz and /v1/readyz; WithBasePath("/status") answers
// /status/ready and the root aliases. Use it when a router hands the
// handler the full path under a prefix, as chi's
// Route("/v1", ...).Mount("/health", h) does; such a router hands it only
// the base path's subtree, so route the aliases (from Paths) to the
// handler as well, as examples/chilambda does. "/" serves the routes at
// the root (/ready, /live), for a server of its own; Mount then takes the
// whole mux. NewHandler rejects a base that is not an absolute path of
// plain segments (letters, digits, '.', '_', '-', '~'), such as "" (which
// would take the whole mux unasked), "health" or "/v1/health?x=1".
// Default DefaultBasePath.
func WithBasePath(base string) Option {
	return func(h *Handler) {
		if problem := basePathProblem(base); problem != "" {
			h.reject(fmt.Sprintf("WithBasePath(%q)", base), problem)
			return
		}
		h.routes = newRoutes(base)
	}
}

// basePathProblem says what is wrong with a base path, or "".
func basePathProblem(base string) string {
	if base == "/" {
		return ""
	}
	trimmed := strings.TrimSuffix(base, "/")
	if !strings.HasPrefix(base, "/") || trimmed == "" {
		return "must be an absolute path such as /health or /v1/health (or / for the root)"
	}
	trimmed = trimmed[1:]
	for _, seg := range strings.Split(trimmed, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.Trim(seg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~-") != "" {
			return "each segment must be letters, digits, '.', '_', '-' or '~' (no query, fragment, pattern or empty segment)"
		}
	}
	return ""
}

// Paths returns the paths the handler answers, in the order Mount registers
// them: the base path, the base path's subtree (live, ready, checks/{name})
// and the three aliases.
func (h *Handler) Paths() []string {
	rs := h.routes
	sub := rs.base + "/"
	if rs.base == "/" {
		sub = "/"
	}
	return []string{rs.base, sub, rs.livez, rs.healthz, rs.readyz}
}

// Mount registers the handler on mux for every route and alias: with the
// default base path, /health, /health/ (live, ready, checks/{name}),
// /livez, /healthz and /readyz, each also with a trailing slash. Unknown
// paths under /health/ get the handler's own 404, other methods its 405.
// Like http.ServeMux.Handle, it panics when a pattern is already taken.
func (h *Handler) Mount(mux *http.ServeMux) {
	seen := map[string]bool{}
	for _, p := range h.Paths() {
		for _, pattern := range []string{p, strings.TrimSuffix(p, "/") + "/"} {
			if !seen[pattern] {
				seen[pattern] = true
				mux.Handle(pattern, h)
			}
		}
	}
}
