package healthhttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/safelog"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Engine runs checks. *health.Checker implements it.
type Engine interface {
	Ready(ctx context.Context) health.Report
	All(ctx context.Context) health.Report
	One(ctx context.Context, name string) (health.Result, error)
}

// Handler serves the health routes. With the default base path it answers
//
//	GET/HEAD /health                 every check, with details (200 pass/warn, 503 fail)
//	GET/HEAD /health/live            liveness, no dependency I/O (200); aliases /livez, /healthz
//	GET/HEAD /health/ready           the critical checks (200 pass/warn, 503 fail); alias /readyz
//	GET/HEAD /health/checks/{name}   one check (200, 503, 404 for an unknown name)
//
// each with or without a trailing slash; any other path gets 404 and any
// other method 405 with Allow: GET, HEAD. WithBasePath moves the routes
// (/v1/health/ready, /status/ready). Mount it on a mux with Mount, or serve
// it as the whole of a server or under a router's prefix: it matches the
// full request path, so under a prefix set WithBasePath to that prefix.
type Handler struct {
	engine  Engine
	routes  routes
	caller  func(context.Context) (string, bool)
	passLog passLog
	live    []byte
	service Service
	details Details
	token   tokenMatcher
	logger  *slog.Logger
	logSet  bool
	refresh time.Duration

	maintenance Maintenance
	history     History

	// optErrs are the options' problems, which NewHandler returns.
	optErrs []error
}

// ErrInvalidOption is returned by NewHandler for an option it cannot use;
// the error names the option.
var ErrInvalidOption = errors.New("invalid option")

func (h *Handler) reject(option, problem string) {
	h.optErrs = append(h.optErrs, fmt.Errorf("%s: %s: %w", option, problem, ErrInvalidOption))
}

// Option configures a Handler.
type Option func(*Handler)

// WithService sets the service identity shown in responses. Default: empty.
func WithService(s Service) Option { return func(h *Handler) { h.service = s } }

// WithDetails sets who sees details: DetailsNever, DetailsAuthorized or
// DetailsAlways; NewHandler rejects any other value (a typo must not mean
// never). Default DetailsAuthorized.
func WithDetails(d Details) Option {
	return func(h *Handler) {
		switch d {
		case DetailsNever, DetailsAuthorized, DetailsAlways:
			h.details = d
		default:
			h.reject(fmt.Sprintf("WithDetails(%q)", d), fmt.Sprintf("must be %q, %q or %q", DetailsNever, DetailsAuthorized, DetailsAlways))
		}
	}
}

// WithToken sets the bearer token that authorizes details. Surrounding
// whitespace is trimmed, as it is from the header's token: a token read
// from a file or a secret often ends in a newline, which no Authorization
// header can carry, so it would otherwise never match. Default: none, so
// under DetailsAuthorized only IAM-authorized callers see details.
func WithToken(token string) Option {
	return func(h *Handler) { h.token = newTokenMatcher(strings.TrimSpace(token)) }
}

// WithLogger sets the request logger (see WithPassLogInterval). nil
// discards; a panic in its handler loses the line, never the answer.
// Default: discard, but for the one warning NewHandler writes about a
// configuration that shows details to no caller, which then goes to
// slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(h *Handler) { h.logger, h.logSet = safelog.Logger(l), true }
}

// NewHandler returns a Handler that answers the health routes (see Handler)
// from engine, or an error naming each option it cannot use. Under the
// default DetailsAuthorized, callers see details only with the token
// (WithToken) or through an IAM-authorized route (WithIAMCaller); a
// handler given neither shows them to no one, and says so once in the log.
func NewHandler(engine Engine, opts ...Option) (*Handler, error) {
	if engine == nil {
		return nil, fmt.Errorf("engine is nil: %w", ErrInvalidOption)
	}
	h := &Handler{engine: engine, details: DetailsAuthorized, logger: safelog.Logger(nil), refresh: DefaultPageRefresh}
	h.routes = newRoutes(DefaultBasePath)
	h.passLog.interval = DefaultPassLogInterval
	for _, o := range opts {
		o(h)
	}
	if len(h.optErrs) > 0 {
		return nil, errors.Join(h.optErrs...)
	}
	if h.details == DetailsAuthorized && !h.token.set && h.caller == nil {
		logger := h.logger
		if !h.logSet {
			logger = safelog.Logger(slog.Default())
		}
		logger.Warn(NoDetailsWarning)
	}
	h.live = liveBody(h.service)
	return h, nil
}

// NoDetailsWarning is logged once by NewHandler for a handler whose
// details no caller can see.
const NoDetailsWarning = "health details are shown to no caller: DetailsAuthorized without WithToken or WithIAMCaller (use WithDetails(DetailsAlways) to show them to everyone)"

// ServeHTTP answers one request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rt, name := h.routes.match(r.URL.Path)
	status := h.serve(w, r, rt, name)
	h.logRequest(r, rt, status, start)
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, rt route, name string) int {
	w.Header().Set("Cache-Control", "no-store")
	if rt == routeNone {
		return writeProblem(w, r, http.StatusNotFound, "no such route")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		return writeProblem(w, r, http.StatusMethodNotAllowed, "method not allowed")
	}
	if rt == routeLive {
		// Liveness does no I/O and reads nothing of the request; its body
		// never changes, so it is encoded once.
		return writeBody(w, r, http.StatusOK, ContentType, h.live)
	}
	query, err := parseQuery(r)
	if err != nil {
		return writeProblem(w, r, http.StatusBadRequest, err.Error())
	}
	ctx, err := callerBudget(r.Context(), query)
	if err != nil {
		return writeProblem(w, r, http.StatusBadRequest, err.Error())
	}
	jsonHistory, err := historyWanted(query)
	if err != nil {
		return writeProblem(w, r, http.StatusBadRequest, err.Error())
	}
	details := h.showDetails(r)
	notes := h.notes(ctx)
	page := wantsHTML(r)
	history := h.readHistory(ctx, r.Method != http.MethodHead && (page || jsonHistory))
	var rep health.Report
	switch rt {
	case routeReady:
		rep = h.engine.Ready(ctx)
	case routeHealth:
		rep = h.engine.All(ctx)
	case routeCheck:
		res, err := h.engine.One(ctx, name)
		if errors.Is(err, health.ErrUnknownCheck) {
			return writeProblem(w, r, http.StatusNotFound, "no such check")
		}
		rep = health.Report{Status: res.Status, Output: res.Output, Results: []health.Result{res}}
		if res.Status == health.StatusFail {
			// A single check fails its route whether or not it is critical.
			rep.Results[0].Optional = false
		}
	}
	code := http.StatusOK
	if rep.Status == health.StatusFail {
		code = http.StatusServiceUnavailable
	}
	if page {
		return h.writePage(w, r, code, rt, rep, details, notes(), history())
	}
	resp := h.service.Render(rep, details)
	resp.Notes = notes()
	if hist := history(); hist != nil {
		var names []string
		if details {
			names = resultNames(rep.Results)
		}
		return writeJSON(w, r, code, ContentType, responseWithHistory{Response: resp, History: hist.member(names)})
	}
	return writeJSON(w, r, code, ContentType, resp)
}

// showDetails applies the details policy to a request.
func (h *Handler) showDetails(r *http.Request) bool {
	switch h.details {
	case DetailsAlways:
		return true
	case DetailsAuthorized:
		if h.caller != nil {
			if _, ok := h.caller(r.Context()); ok {
				return true
			}
		}
		return h.token.match(r.Header.Get("Authorization"))
	}
	return false
}

// parseQuery parses the query string; nil when there is none (a probe's
// usual request: no map to parse into). A query string that does not
// parse is an error: URL.Query would drop the pairs it cannot parse
// ("timeout=1s;x=1", "timeout=%zz") and so ignore a bad timeout.
func parseQuery(r *http.Request) (url.Values, error) {
	if r.URL.RawQuery == "" {
		return nil, nil
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, errors.New("the query string could not be parsed")
	}
	return query, nil
}

// callerBudget applies the caller's own deadline, the query parameter
// QueryTimeout (a Go duration), as a cap on the request's budget: it can
// only shorten it, and it never cuts the shared check runs other callers
// wait on.
func callerBudget(ctx context.Context, query url.Values) (context.Context, error) {
	v := query.Get(QueryTimeout)
	if v == "" {
		return ctx, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return nil, errors.New(QueryTimeout + " must be a positive duration such as 500ms")
	}
	return health.WithBudgetCap(ctx, d), nil
}

// problem is an RFC 9457 problem document, used for errors.
type problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

func writeProblem(w http.ResponseWriter, r *http.Request, code int, detail string) int {
	return writeJSON(w, r, code, "application/problem+json",
		problem{Title: http.StatusText(code), Status: code, Detail: detail})
}

func writeJSON(w http.ResponseWriter, r *http.Request, code int, contentType string, v any) int {
	body, err := json.Marshal(v)
	if err != nil {
		// Unencodable observed values are dropped before (healthjson), so
		// only a value whose MarshalJSON fails now and not then gets here.
		code, contentType = http.StatusInternalServerError, "application/problem+json"
		body = []byte(`{"title":"Internal Server Error","status":500,"detail":"response could not be encoded"}`)
	}
	return writeBody(w, r, code, contentType, append(body, '\n'))
}

// writeBody writes a body, or for HEAD only the headers.
func writeBody(w http.ResponseWriter, r *http.Request, code int, contentType string, body []byte) int {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return code
}

func routeName(rt route) string {
	switch rt {
	case routeLive:
		return "live"
	case routeReady:
		return "ready"
	case routeHealth:
		return "health"
	case routeCheck:
		return "check"
	}
	return "none"
}
