package config

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
	"github.com/lambdahealth/lambdahealth/pkg/settings"
)

// Defaults applied when a variable is unset.
const (
	DefaultBudget           = health.DefaultBudget
	DefaultCacheTTL         = health.DefaultCacheTTL
	DefaultDetails          = string(settings.DetailsAuthorized)
	DefaultMetricsNamespace = settings.DefaultMetricsNamespace
	DefaultMetrics          = settings.MetricsAPI
	DefaultPort             = "8080"
	defaultShutdownDelay    = 2 * time.Second
	// ChecksParameterTimeout bounds the start-up read of HEALTH_CHECKS_PARAMETER.
	ChecksParameterTimeout = 5 * time.Second
	// maxChecksSize bounds the checks' JSON read from HEALTH_CHECKS_FILE or
	// HEALTH_CHECKS_PARAMETER (Lambda's environment holds 4 KB in all; an SSM
	// parameter holds 4 KB, or 8 KB in the advanced tier).
	maxChecksSize = 1 << 20
)

// The variables Load reads: the one spelling of each, which infra/ and the
// tests import.
const (
	EnvService          = "HEALTH_SERVICE"
	EnvEnvironment      = "HEALTH_ENVIRONMENT"
	EnvVersion          = "HEALTH_VERSION"
	EnvBudget           = "HEALTH_BUDGET"
	EnvCacheTTL         = "HEALTH_CACHE_TTL"
	EnvStartupGrace     = "HEALTH_STARTUP_GRACE"
	EnvShutdownDelay    = "HEALTH_SHUTDOWN_DELAY"
	EnvPageRefresh      = "HEALTH_PAGE_REFRESH"
	EnvDetails          = "HEALTH_DETAILS"
	EnvToken            = "HEALTH_TOKEN"
	EnvMetricsNamespace = "HEALTH_METRICS_NAMESPACE"
	EnvMetrics          = "HEALTH_METRICS"
	EnvListen           = "HEALTH_LISTEN"
	EnvMaintenance      = "HEALTH_MAINTENANCE"
	// EnvPort is the local server's port when EnvListen is unset
	// (127.0.0.1:$PORT, default DefaultPort).
	EnvPort = "PORT"
)

// The three sources of the checks' JSON array; at most one may be set.
// EnvChecksParameter is also a control (pkg/controls).
const (
	EnvChecks          = "HEALTH_CHECKS"
	EnvChecksFile      = "HEALTH_CHECKS_FILE"
	EnvChecksParameter = "HEALTH_CHECKS_PARAMETER"
)

// The variables of the two other controls, which pkg/controls reads.
const (
	EnvTokenSecretARN = "HEALTH_TOKEN_SECRET_ARN"
	EnvDrainParameter = "HEALTH_DRAIN_PARAMETER"
)

// DefaultService is HEALTH_SERVICE's default outside Lambda (in Lambda it
// is the function's name).
const DefaultService = settings.DefaultService

// maxBudget is the longest HEALTH_BUDGET: Lambda's longest invocation. The
// local server's write timeout and shutdown wait, and the canary's bound
// outside Lambda, are the budget plus a few seconds; a budget near the
// largest time.Duration would overflow them into no time at all.
const maxBudget = 15 * time.Minute

// ErrInvalid is wrapped by every FieldError.
var ErrInvalid = checks.ErrInvalid

// FieldError is one problem with one field.
type FieldError = checks.FieldError

// Config is the validated configuration of the health and canary functions.
type Config struct {
	Service        string
	Environment    string
	Version        string
	Budget         time.Duration
	CacheTTL       time.Duration
	StartupGrace   time.Duration
	ShutdownDelay  time.Duration
	Details        string
	Token          string
	TokenSecretARN string
	DrainParameter string
	// Checks come from HEALTH_CHECKS, or from the file HEALTH_CHECKS_FILE
	// names (read by Load), or from the SSM parameter ChecksParameter names
	// (read by ReadChecksParameter, which the caller runs once at start-up).
	Checks []Check
	// ChecksParameter is HEALTH_CHECKS_PARAMETER: when set, Checks is empty
	// until ReadChecksParameter fills it.
	ChecksParameter  string
	MetricsNamespace string
	Metrics          string
	Listen           string
	// PageRefresh is how often the HTML status page reloads itself; 0 never.
	PageRefresh time.Duration
	// Maintenance is HEALTH_MAINTENANCE: the planned maintenance windows.
	Maintenance []maintenance.Window
}

// Getenv looks up a variable; os.Getenv fits.
type Getenv func(key string) string

// Load reads and validates the configuration, the checks' common fields
// included; their kinds' fields are pkg/checkbuild's (checkbuild.Load).
// The returned error joins one FieldError per problem. With an error, the
// Config is returned too, as far as it could be read: its Checks are every
// check object, so that checkbuild.Load reports their kinds' problems with
// the rest. Use it only to report problems.
func Load(getenv Getenv) (Config, error) {
	var errs checks.Problems
	bad := errs.Add
	c := Config{
		Service:          getenv(EnvService),
		Environment:      getenv(EnvEnvironment),
		Version:          getenv(EnvVersion),
		Token:            getenv(EnvToken),
		TokenSecretARN:   getenv(EnvTokenSecretARN),
		DrainParameter:   getenv(EnvDrainParameter),
		Details:          cmp.Or(getenv(EnvDetails), DefaultDetails),
		MetricsNamespace: cmp.Or(getenv(EnvMetricsNamespace), DefaultMetricsNamespace),
		Metrics:          cmp.Or(getenv(EnvMetrics), DefaultMetrics),
	}
	if c.Service == "" {
		c.Service = cmp.Or(getenv("AWS_LAMBDA_FUNCTION_NAME"), DefaultService)
	}
	c.Budget = Duration(getenv, EnvBudget, DefaultBudget, false, &errs)
	if c.Budget > maxBudget {
		bad(EnvBudget, "%q is longer than %v, Lambda's longest invocation", getenv(EnvBudget), maxBudget)
	}
	c.CacheTTL = Duration(getenv, EnvCacheTTL, DefaultCacheTTL, true, &errs)
	c.StartupGrace = Duration(getenv, EnvStartupGrace, 0, true, &errs)
	c.ShutdownDelay = Duration(getenv, EnvShutdownDelay, defaultShutdownDelay, true, &errs)
	c.PageRefresh = Duration(getenv, EnvPageRefresh, settings.DefaultPageRefresh, true, &errs)
	if c.PageRefresh%time.Second != 0 {
		bad(EnvPageRefresh, "%q must be whole seconds (the Refresh header counts seconds), or 0s for none", getenv(EnvPageRefresh))
	}

	// Both name every datapoint the canary publishes (Service, Environment).
	if problem := DimensionValueProblem(c.Service); problem != "" {
		bad(EnvService, "%s", problem)
	}
	if c.Environment != "" {
		if problem := DimensionValueProblem(c.Environment); problem != "" {
			bad(EnvEnvironment, "%s", problem)
		}
	}

	switch settings.Details(c.Details) {
	case settings.DetailsNever, settings.DetailsAuthorized, settings.DetailsAlways:
	default:
		bad(EnvDetails, "%q is not one of %s, %s, %s", c.Details, settings.DetailsNever, settings.DetailsAuthorized, settings.DetailsAlways)
	}
	if c.Token != "" && c.TokenSecretARN != "" {
		bad(EnvToken, "set either HEALTH_TOKEN or HEALTH_TOKEN_SECRET_ARN, not both")
	}
	if problem := tokenProblem(c.Token); problem != "" {
		bad(EnvToken, "%s", problem)
	}
	if c.TokenSecretARN != "" && !strings.HasPrefix(c.TokenSecretARN, "arn:") {
		bad(EnvTokenSecretARN, "not an ARN (must start with arn:)")
	}
	switch c.Metrics {
	case settings.MetricsAPI, settings.MetricsEMF, settings.MetricsBoth:
	default:
		bad(EnvMetrics, "%q is not one of %s, %s, %s", c.Metrics, settings.MetricsAPI, settings.MetricsEMF, settings.MetricsBoth)
	}
	if strings.HasPrefix(c.MetricsNamespace, "AWS/") || len(c.MetricsNamespace) > 255 {
		bad(EnvMetricsNamespace, "must not start with AWS/ and must be at most 255 characters")
	}

	c.Listen = getenv(EnvListen)
	if c.Listen == "" {
		c.Listen = "127.0.0.1:" + cmp.Or(getenv(EnvPort), DefaultPort)
	}
	if _, port, err := net.SplitHostPort(c.Listen); err != nil {
		bad(EnvListen, "%q is not host:port", c.Listen)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		bad(EnvListen, "port %q is not a number from 0 to 65535", port)
	}

	windows, maintenanceErrs := loadMaintenance(getenv)
	c.Maintenance = windows
	errs = append(errs, maintenanceErrs...)

	checks, checkErrs := loadChecks(getenv)
	c.Checks = checks
	c.ChecksParameter = getenv(EnvChecksParameter)
	errs = append(errs, checkErrs...)
	return c, errs.Err()
}

// maxDimensionValue is the longest CloudWatch dimension value the stack
// uses: alarms (AWS::CloudWatch::Alarm) take at most 255 characters.
const maxDimensionValue = 255

// DimensionValueProblem says why CloudWatch would refuse v as a dimension
// value (PutMetricData's, and an alarm's), or "": it must be 1 to
// maxDimensionValue printable ASCII characters, not all of them spaces. The
// value is quoted, as it is a name, never a secret.
func DimensionValueProblem(v string) string {
	switch {
	case v == "":
		return "must not be empty (it is a CloudWatch dimension value)"
	case strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r > 0x7e }):
		return fmt.Sprintf("%+q must be printable ASCII: CloudWatch refuses other characters in a dimension value", v)
	case len(v) > maxDimensionValue:
		return fmt.Sprintf("is %d characters; a CloudWatch dimension value holds at most %d", len(v), maxDimensionValue)
	case strings.TrimSpace(v) == "":
		return fmt.Sprintf("%q must hold a character other than spaces (it is a CloudWatch dimension value)", v)
	}
	return ""
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

// Duration reads the Go duration variable key, def when it is unset;
// zeroOK allows "0s". A bad value adds a problem naming key to p and
// returns def. The gate reads its own variables with it too.
func Duration(getenv Getenv, key string, def time.Duration, zeroOK bool, p *checks.Problems) time.Duration {
	v := getenv(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		p.Add(key, "%q is not a Go duration such as 2s or 500ms", v)
	case d < 0 || (d == 0 && !zeroOK):
		if zeroOK {
			p.Add(key, "%q must not be negative", v)
		} else {
			p.Add(key, "%q must be positive", v)
		}
	default:
		return d
	}
	return def
}

// loadChecks parses the checks from HEALTH_CHECKS or HEALTH_CHECKS_FILE;
// with HEALTH_CHECKS_PARAMETER it only checks that no other source is set.
// A relative HEALTH_CHECKS_FILE is read from the function's directory,
// LAMBDA_TASK_ROOT (where Lambda unpacks the bundle), or, outside Lambda,
// from the working directory.
func loadChecks(getenv Getenv) ([]Check, []error) {
	inline, file, param := getenv(EnvChecks), getenv(EnvChecksFile), getenv(EnvChecksParameter)
	var set []string
	for _, s := range []struct{ name, value string }{{EnvChecks, inline}, {EnvChecksFile, file}, {EnvChecksParameter, param}} {
		if s.value != "" {
			set = append(set, s.name)
		}
	}
	if len(set) > 1 {
		return nil, []error{&FieldError{Field: set[1], Problem: "set only one of " + strings.Join(set, ", ")}}
	}
	switch {
	case file != "":
		path := file
		if !filepath.IsAbs(path) {
			path = filepath.Join(getenv("LAMBDA_TASK_ROOT"), path)
		}
		source := EnvChecksFile + " (" + file + ")"
		raw, err := readLimited(path)
		if err != nil {
			return nil, []error{&FieldError{Field: source, Problem: err.Error()}}
		}
		return parseChecksFrom(source, raw)
	case param != "":
		return nil, nil
	}
	return parseChecks(EnvChecks, inline)
}

// readLimited reads a regular file of at most maxChecksSize bytes. Anything
// else, after following symlinks (a FIFO, /dev/stdin, a directory, a
// device), is refused before it is opened: opening a FIFO waits for a
// writer, and reading a terminal or pipe waits for its end, which would
// hold start-up forever.
func readLimited(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("cannot read the file: %w", pathless(err))
	}
	if !info.Mode().IsRegular() {
		return "", fmt.Errorf("is not a regular file (%s)", fileKind(info.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("cannot read the file: %w", pathless(err))
	}
	defer f.Close()
	// The path may have been replaced since the Stat: check what was opened.
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return "", errors.New("is not a regular file")
	}
	b, err := io.ReadAll(io.LimitReader(f, maxChecksSize+1))
	if err != nil {
		return "", fmt.Errorf("cannot read the file: %w", err)
	}
	if len(b) > maxChecksSize {
		return "", fmt.Errorf("larger than %d bytes", maxChecksSize)
	}
	return string(b), nil
}

// pathless drops the path from a file error: the path is in the field name
// already.
func pathless(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// fileKind names a file mode's type for an error message.
func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "not a plain file"
}

// parseChecksFrom parses raw with the HEALTH_CHECKS parser, naming source
// where that names HEALTH_CHECKS: "HEALTH_CHECKS_FILE (checks.json)[2].dsn: …".
func parseChecksFrom(source, raw string) ([]Check, []error) {
	if strings.TrimSpace(raw) == "" {
		return nil, []error{&FieldError{Field: source, Problem: "is empty; use [] for no checks"}}
	}
	return parseChecks(source, raw)
}

// ParameterReader reads an SSM parameter's value (decrypted, for a
// SecureString).
type ParameterReader func(ctx context.Context, name string) (string, error)

// ReadChecksParameter fills c.Checks from the SSM parameter
// c.ChecksParameter, with read, within ChecksParameterTimeout (or ctx's
// deadline when sooner), and validates them as Load validates HEALTH_CHECKS
// (their kinds' fields are validated where they are decoded, checkbuild.Decode).
// It does nothing when c.ChecksParameter is empty. A read error is
// reported by its class only, which read must make safe.
func ReadChecksParameter(ctx context.Context, c *Config, read ParameterReader) error {
	if c.ChecksParameter == "" {
		return nil
	}
	source := EnvChecksParameter + " (" + c.ChecksParameter + ")"
	ctx, cancel := context.WithTimeout(ctx, ChecksParameterTimeout)
	defer cancel()
	raw, err := read(ctx, c.ChecksParameter)
	if err != nil {
		return &FieldError{Field: source, Problem: "cannot read the parameter: " + err.Error()}
	}
	if len(raw) > maxChecksSize {
		return &FieldError{Field: source, Problem: fmt.Sprintf("larger than %d bytes", maxChecksSize)}
	}
	specs, errs := parseChecksFrom(source, raw)
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	c.Checks = specs
	return nil
}
