package config

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Defaults applied when a variable is unset.
const (
	DefaultBudget           = health.DefaultBudget
	DefaultCacheTTL         = health.DefaultCacheTTL
	DefaultDetails          = "authorized"
	DefaultMetricsNamespace = "ServiceHealth"
	DefaultMetrics          = "api"
	DefaultPort             = "8080"
	DefaultShutdownDelay    = 2 * time.Second
	// DefaultPageRefresh is HEALTH_PAGE_REFRESH's default, the HTML status
	// page's reload interval (pkg/healthhttp.DefaultPageRefresh).
	DefaultPageRefresh = 10 * time.Second
)

// MaxBudget is the longest HEALTH_BUDGET: Lambda's longest invocation. The
// local server's write timeout and shutdown wait, and the canary's bound
// outside Lambda, are the budget plus a few seconds; a budget near the
// largest time.Duration would overflow them into no time at all.
const MaxBudget = 15 * time.Minute

// ErrInvalid is wrapped by every FieldError.
var ErrInvalid = checks.ErrInvalid

// FieldError is one problem with one field.
type FieldError = checks.FieldError

// Config is the validated configuration of the health and canary functions.
type Config struct {
	Service          string
	Environment      string
	Version          string
	Budget           time.Duration
	CacheTTL         time.Duration
	StartupGrace     time.Duration
	ShutdownDelay    time.Duration
	Details          string
	Token            string
	TokenSecretARN   string
	DrainParameter   string
	Checks           []CheckSpec
	MetricsNamespace string
	Metrics          string
	Listen           string
	// PageRefresh is how often the HTML status page reloads itself; 0 never.
	PageRefresh time.Duration
}

// Getenv looks up a variable; os.Getenv fits.
type Getenv func(key string) string

// Load reads and validates the configuration. The returned error joins one
// FieldError per problem.
func Load(getenv Getenv) (Config, error) {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	c := Config{
		Service:          getenv("HEALTH_SERVICE"),
		Environment:      getenv("HEALTH_ENVIRONMENT"),
		Version:          getenv("HEALTH_VERSION"),
		Token:            getenv("HEALTH_TOKEN"),
		TokenSecretARN:   getenv("HEALTH_TOKEN_SECRET_ARN"),
		DrainParameter:   getenv("HEALTH_DRAIN_PARAMETER"),
		Details:          orDefault(getenv("HEALTH_DETAILS"), DefaultDetails),
		MetricsNamespace: orDefault(getenv("HEALTH_METRICS_NAMESPACE"), DefaultMetricsNamespace),
		Metrics:          orDefault(getenv("HEALTH_METRICS"), DefaultMetrics),
	}
	if c.Service == "" {
		c.Service = orDefault(getenv("AWS_LAMBDA_FUNCTION_NAME"), "health")
	}
	c.Budget = duration(getenv, "HEALTH_BUDGET", DefaultBudget, false, bad)
	if c.Budget > MaxBudget {
		bad("HEALTH_BUDGET", "%q is longer than %v, Lambda's longest invocation", getenv("HEALTH_BUDGET"), MaxBudget)
	}
	c.CacheTTL = duration(getenv, "HEALTH_CACHE_TTL", DefaultCacheTTL, true, bad)
	c.StartupGrace = duration(getenv, "HEALTH_STARTUP_GRACE", 0, true, bad)
	c.ShutdownDelay = duration(getenv, "HEALTH_SHUTDOWN_DELAY", DefaultShutdownDelay, true, bad)
	c.PageRefresh = duration(getenv, "HEALTH_PAGE_REFRESH", DefaultPageRefresh, true, bad)
	if c.PageRefresh%time.Second != 0 {
		bad("HEALTH_PAGE_REFRESH", "%q must be whole seconds (the Refresh header counts seconds), or 0s for none", getenv("HEALTH_PAGE_REFRESH"))
	}

	switch c.Details {
	case "never", "authorized", "always":
	default:
		bad("HEALTH_DETAILS", "%q is not one of never, authorized, always", c.Details)
	}
	if c.Token != "" && c.TokenSecretARN != "" {
		bad("HEALTH_TOKEN", "set either HEALTH_TOKEN or HEALTH_TOKEN_SECRET_ARN, not both")
	}
	if problem := tokenProblem(c.Token); problem != "" {
		bad("HEALTH_TOKEN", "%s", problem)
	}
	if c.TokenSecretARN != "" && !strings.HasPrefix(c.TokenSecretARN, "arn:") {
		bad("HEALTH_TOKEN_SECRET_ARN", "not an ARN (must start with arn:)")
	}
	switch c.Metrics {
	case "api", "emf", "both":
	default:
		bad("HEALTH_METRICS", "%q is not one of api, emf, both", c.Metrics)
	}
	if strings.HasPrefix(c.MetricsNamespace, "AWS/") || len(c.MetricsNamespace) > 255 {
		bad("HEALTH_METRICS_NAMESPACE", "must not start with AWS/ and must be at most 255 characters")
	}

	c.Listen = getenv("HEALTH_LISTEN")
	if c.Listen == "" {
		c.Listen = "127.0.0.1:" + orDefault(getenv("PORT"), DefaultPort)
	}
	if _, port, err := net.SplitHostPort(c.Listen); err != nil {
		bad("HEALTH_LISTEN", "%q is not host:port", c.Listen)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		bad("HEALTH_LISTEN", "port %q is not a number from 0 to 65535", port)
	}

	checks, checkErrs := parseChecks(getenv("HEALTH_CHECKS"))
	c.Checks = checks
	errs = append(errs, checkErrs...)
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return c, nil
}

// tokenProblem says why a details token could never match, or "". The
// handler trims the token of the Authorization header, and a header carries
// no control characters, so a token with surrounding whitespace or a
// control character is rejected rather than trimmed: a token that the
// operator set and no caller can present is a mistake to report, not to
// repair. The value is never quoted.
func tokenProblem(token string) string {
	if strings.TrimSpace(token) != token {
		return "has leading or trailing whitespace, which a bearer token cannot carry; remove it"
	}
	if strings.ContainsFunc(token, unicode.IsControl) {
		return "has a control character, which a bearer token cannot carry"
	}
	return ""
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// duration parses a Go duration variable; zeroOK allows "0s".
func duration(getenv Getenv, key string, def time.Duration, zeroOK bool, bad func(string, string, ...any)) time.Duration {
	v := getenv(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		bad(key, "%q is not a Go duration such as 2s or 500ms", v)
	case d < 0 || (d == 0 && !zeroOK):
		if zeroOK {
			bad(key, "%q must not be negative", v)
		} else {
			bad(key, "%q must be positive", v)
		}
	default:
		return d
	}
	return def
}
