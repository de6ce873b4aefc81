package healthstack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
)

// Defaults applied to zero-valued props; they are the defaults of the SAM
// template's parameters and of the functions' own configuration.
const (
	DefaultService          = "health"
	DefaultBudget           = 2 * time.Second
	DefaultCacheTTL         = 5 * time.Second
	DefaultDetails          = DetailsAuthorized
	DefaultMetricsNamespace = "ServiceHealth"
	DefaultMetrics          = MetricsAPI
	DefaultCanarySchedule   = "rate(1 minute)"
	DefaultLogRetention     = awslogs.RetentionDays_ONE_MONTH
	DefaultALBRulePriority  = 100
	DefaultAssetDir         = "../build"
)

// DetailsMode is HEALTH_DETAILS: who sees the checks map and outputs.
type DetailsMode string

// Details modes.
const (
	DetailsNever      DetailsMode = "never"
	DetailsAuthorized DetailsMode = "authorized"
	DetailsAlways     DetailsMode = "always"
)

// MetricsMode is HEALTH_METRICS: how the canary records its metrics.
type MetricsMode string

// Metrics modes.
const (
	MetricsAPI  MetricsMode = "api"
	MetricsEMF  MetricsMode = "emf"
	MetricsBoth MetricsMode = "both"
)

// FunctionURLAuthType is the auth type of the optional Function URL; the
// empty value means no Function URL.
type FunctionURLAuthType string

// Function URL auth types.
const (
	FunctionURLNone FunctionURLAuthType = ""
	FunctionURLOpen FunctionURLAuthType = "NONE"
	FunctionURLIAM  FunctionURLAuthType = "AWS_IAM"
)

// HealthStackProps configures NewHealthStack. Every field but StackProps
// and AssetDir has a parameter of the same meaning in template.yaml (its name
// is in the field's comment), and zero values mean that parameter's default.
type HealthStackProps struct {
	awscdk.StackProps

	// Service is HEALTH_SERVICE and the Service dimension of the metrics and
	// alarms (ServiceName). Default DefaultService.
	Service string
	// Environment is HEALTH_ENVIRONMENT (EnvironmentName); the Environment
	// dimension is "default" when it is empty. Default empty.
	Environment string
	// Version is HEALTH_VERSION (ServiceVersion). Default empty.
	Version string
	// Budget is HEALTH_BUDGET (Budget). Default DefaultBudget.
	Budget time.Duration
	// CacheTTL is HEALTH_CACHE_TTL (CacheTtl); a pointer to 0 turns the cache
	// off. Default (nil) DefaultCacheTTL.
	CacheTTL *time.Duration
	// Details is HEALTH_DETAILS (Details). Default DefaultDetails.
	Details DetailsMode
	// TokenSecretARN is HEALTH_TOKEN_SECRET_ARN (TokenSecretArn), the full ARN
	// of the secret holding the details token; health function only.
	TokenSecretARN string
	// DrainParameter is HEALTH_DRAIN_PARAMETER (DrainParameterName), the name
	// of the SSM parameter whose value "drain" fails readiness; health function
	// only.
	DrainParameter string
	// Checks is HEALTH_CHECKS (ChecksJson). Default none ("[]"). Every
	// critical check (Critical nil or true) gets an alarm of its own
	// (CriticalCheckNames); the SAM template, which has no loops, takes their
	// names in five parameters, CriticalCheck1..CriticalCheck5, instead.
	Checks []Check
	// MetricsNamespace is HEALTH_METRICS_NAMESPACE (MetricsNamespace), watched
	// by the alarms. Default DefaultMetricsNamespace.
	MetricsNamespace string
	// Metrics is HEALTH_METRICS (MetricsMode); with MetricsEMF the canary gets
	// no cloudwatch:PutMetricData. Default DefaultMetrics.
	Metrics MetricsMode

	// CanarySchedule is the canary's EventBridge schedule expression
	// (CanarySchedule). Default DefaultCanarySchedule.
	CanarySchedule string
	// LogRetention is the retention of both log groups (LogRetentionDays).
	// Default DefaultLogRetention.
	LogRetention awslogs.RetentionDays

	// SubnetIDs puts both functions in these subnets (SubnetIds); with
	// SecurityGroupIDs (SecurityGroupIds). Default none: no VPC.
	SubnetIDs        []string
	SecurityGroupIDs []string

	// QueueARNs grants sqs:GetQueueAttributes on these queues (QueueArns).
	QueueARNs []string
	// Bucket grants s3:ListBucket on this bucket (BucketName).
	Bucket string
	// ProbePrefix grants s3:PutObject, s3:GetObject and s3:DeleteObject on
	// Bucket/ProbePrefix/* (ProbePrefix); no leading or trailing slash.
	ProbePrefix string
	// DBUserARNs grants rds-db:connect on these rds-db user ARNs (DbUserArns).
	DBUserARNs []string
	// SecretARNs grants secretsmanager:GetSecretValue on these full secret
	// ARNs (SecretArns).
	SecretARNs []string

	// AlarmEmail is subscribed to the alarm topic (AlarmEmail).
	AlarmEmail string
	// AlarmTopicARN is an existing SNS topic for the alarms (AlarmTopicArn);
	// without it a topic is created only when AlarmEmail is set.
	AlarmTopicARN string

	// RestAPI also serves the routes through a regional REST API, stage v1
	// (RestApi). Default false.
	RestAPI bool
	// FunctionURLAuthType gives the health function a Function URL
	// (FunctionUrlAuthType). Default FunctionURLNone: no URL.
	FunctionURLAuthType FunctionURLAuthType
	// ALBListenerARN attaches a Lambda target group with its health check on
	// /health/ready to this listener (AlbListenerArn). Default none.
	ALBListenerARN string
	// ALBRulePriority is the listener rule's priority (AlbRulePriority).
	// Default DefaultALBRulePriority.
	ALBRulePriority int

	// Route53 adds an optional Route 53 health check for DNS failover
	// (Route53HealthCheck, Route53HealthCheckInterval, Route53FailureThreshold).
	// Default: none.
	Route53 Route53Props

	// AssetDir holds <function>/arm64/bootstrap, as `make build` writes them.
	// Default DefaultAssetDir, relative to infra/ where cdk runs.
	AssetDir string
}

// Check is one element of HEALTH_CHECKS; see README.md, "Checks". Fields
// that do not belong to the check's type must stay zero.
type Check struct {
	Name string
	Type string
	// Critical defaults to true when nil.
	Critical *bool
	// Timeout defaults to the budget when zero.
	Timeout time.Duration

	// postgres, mysql
	DSN       string
	Host      string
	Port      int
	User      string
	Database  string
	IAMAuth   bool
	SecretARN string
	TLS       string

	// sqs
	QueueURL string
	MaxDepth *int64
	DLQURL   string

	// s3
	Bucket   string
	ProbeKey string

	// http
	URL          string
	ExpectStatus string

	// tcp
	Address string
}

// IsCritical reports whether the check is critical: unless Critical is false.
func (c Check) IsCritical() bool { return c.Critical == nil || *c.Critical }

// CriticalCheckNames are the names of the critical checks in Checks, in
// order: the checks that get an alarm of their own (CheckAlarm1, ...).
func (p HealthStackProps) CriticalCheckNames() []string {
	var names []string
	for _, c := range p.Checks {
		if c.IsCritical() {
			names = append(names, c.Name)
		}
	}
	return names
}

// checkJSON is the wire form of Check, as pkg/config reads it.
type checkJSON struct {
	Name         string `json:"name"`
	Type         string `json:"type"`
	Critical     *bool  `json:"critical,omitempty"`
	Timeout      string `json:"timeout,omitempty"`
	DSN          string `json:"dsn,omitempty"`
	Host         string `json:"host,omitempty"`
	Port         int    `json:"port,omitempty"`
	User         string `json:"user,omitempty"`
	Database     string `json:"database,omitempty"`
	IAMAuth      bool   `json:"iamAuth,omitempty"`
	SecretARN    string `json:"secretArn,omitempty"`
	TLS          string `json:"tls,omitempty"`
	QueueURL     string `json:"queueUrl,omitempty"`
	MaxDepth     *int64 `json:"maxDepth,omitempty"`
	DLQURL       string `json:"dlqUrl,omitempty"`
	Bucket       string `json:"bucket,omitempty"`
	ProbeKey     string `json:"probeKey,omitempty"`
	URL          string `json:"url,omitempty"`
	ExpectStatus string `json:"expectStatus,omitempty"`
	Address      string `json:"address,omitempty"`
}

// MarshalJSON writes the check as pkg/config reads it, leaving out unset fields.
func (c Check) MarshalJSON() ([]byte, error) {
	w := checkJSON{
		Name: c.Name, Type: c.Type, Critical: c.Critical,
		DSN: c.DSN, Host: c.Host, Port: c.Port, User: c.User, Database: c.Database,
		IAMAuth: c.IAMAuth, SecretARN: c.SecretARN, TLS: c.TLS,
		QueueURL: c.QueueURL, MaxDepth: c.MaxDepth, DLQURL: c.DLQURL,
		Bucket: c.Bucket, ProbeKey: c.ProbeKey, URL: c.URL, ExpectStatus: c.ExpectStatus,
		Address: c.Address,
	}
	if c.Timeout > 0 {
		w.Timeout = c.Timeout.String()
	}
	// URLs keep their & < >: the value is an environment variable, not HTML.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(w); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads a check as pkg/config does; unknown fields are errors.
func (c *Check) UnmarshalJSON(b []byte) error {
	var w checkJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return err
	}
	*c = Check{
		Name: w.Name, Type: w.Type, Critical: w.Critical,
		DSN: w.DSN, Host: w.Host, Port: w.Port, User: w.User, Database: w.Database,
		IAMAuth: w.IAMAuth, SecretARN: w.SecretARN, TLS: w.TLS,
		QueueURL: w.QueueURL, MaxDepth: w.MaxDepth, DLQURL: w.DLQURL,
		Bucket: w.Bucket, ProbeKey: w.ProbeKey, URL: w.URL, ExpectStatus: w.ExpectStatus,
		Address: w.Address,
	}
	if w.Timeout != "" {
		d, err := time.ParseDuration(w.Timeout)
		if err != nil || d <= 0 {
			return fmt.Errorf("check %q: timeout %q is not a positive Go duration", w.Name, w.Timeout)
		}
		c.Timeout = d
	}
	return nil
}

// ChecksJSON renders checks as the HEALTH_CHECKS value: "[]" when there are none.
func ChecksJSON(checks []Check) (string, error) {
	if len(checks) == 0 {
		return "[]", nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(checks); err != nil {
		return "", fmt.Errorf("encode checks: %w", err)
	}
	return strings.TrimSpace(buf.String()), nil
}

var (
	namePattern  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	envPattern   = regexp.MustCompile(`^[A-Za-z0-9._-]{0,64}$`)
	checkPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	nsPattern    = regexp.MustCompile(`^[0-9A-Za-z._/#: -]{1,255}$`)
)

// withDefaults returns a copy of p with every zero field set to its default.
func (p HealthStackProps) withDefaults() HealthStackProps {
	if p.Service == "" {
		p.Service = DefaultService
	}
	if p.Budget == 0 {
		p.Budget = DefaultBudget
	}
	if p.CacheTTL == nil {
		ttl := DefaultCacheTTL
		p.CacheTTL = &ttl
	}
	if p.Details == "" {
		p.Details = DefaultDetails
	}
	if p.MetricsNamespace == "" {
		p.MetricsNamespace = DefaultMetricsNamespace
	}
	if p.Metrics == "" {
		p.Metrics = DefaultMetrics
	}
	if p.CanarySchedule == "" {
		p.CanarySchedule = DefaultCanarySchedule
	}
	if p.LogRetention == "" {
		p.LogRetention = DefaultLogRetention
	}
	if p.ALBRulePriority == 0 {
		p.ALBRulePriority = DefaultALBRulePriority
	}
	if p.AssetDir == "" {
		p.AssetDir = DefaultAssetDir
	}
	p.Route53 = p.Route53.withDefaults()
	return p
}

// Validate reports every problem with the props at once, each naming its
// field, the way the functions validate their environment at start-up.
func (p HealthStackProps) Validate() error {
	p = p.withDefaults()
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("HealthStackProps.%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if !namePattern.MatchString(p.Service) {
		bad("Service", "%q must be 1-64 letters, digits, '.', '_' or '-'", p.Service)
	}
	if !envPattern.MatchString(p.Environment) {
		bad("Environment", "%q must be at most 64 letters, digits, '.', '_' or '-'", p.Environment)
	}
	if p.Budget < 0 {
		bad("Budget", "must be positive")
	}
	if *p.CacheTTL < 0 {
		bad("CacheTTL", "must not be negative")
	}
	if !slices.Contains([]DetailsMode{DetailsNever, DetailsAuthorized, DetailsAlways}, p.Details) {
		bad("Details", "%q is not one of never, authorized, always", p.Details)
	}
	if !slices.Contains([]MetricsMode{MetricsAPI, MetricsEMF, MetricsBoth}, p.Metrics) {
		bad("Metrics", "%q is not one of api, emf, both", p.Metrics)
	}
	if strings.HasPrefix(p.MetricsNamespace, "AWS/") || !nsPattern.MatchString(p.MetricsNamespace) {
		bad("MetricsNamespace", "%q must not start with AWS/ and must be 1-255 of 0-9A-Za-z._/#: -", p.MetricsNamespace)
	}
	if _, ok := retentionDays[p.LogRetention]; !ok {
		bad("LogRetention", "%q is not a retention CloudWatch Logs offers", p.LogRetention)
	}
	if p.TokenSecretARN != "" && !strings.HasPrefix(p.TokenSecretARN, "arn:") {
		bad("TokenSecretARN", "not an ARN (must start with arn:)")
	}
	if p.AlarmTopicARN != "" && !strings.HasPrefix(p.AlarmTopicARN, "arn:") {
		bad("AlarmTopicARN", "not an ARN (must start with arn:)")
	}
	if p.ALBListenerARN != "" && !strings.HasPrefix(p.ALBListenerARN, "arn:") {
		bad("ALBListenerARN", "not an ARN (must start with arn:)")
	}
	for field, arns := range map[string][]string{"QueueARNs": p.QueueARNs, "DBUserARNs": p.DBUserARNs, "SecretARNs": p.SecretARNs} {
		for i, a := range arns {
			if !strings.HasPrefix(a, "arn:") {
				bad(fmt.Sprintf("%s[%d]", field, i), "not an ARN (must start with arn:)")
			}
		}
	}
	if strings.HasPrefix(p.ProbePrefix, "/") || strings.HasSuffix(p.ProbePrefix, "/") {
		bad("ProbePrefix", "must not start or end with /")
	}
	if p.ProbePrefix != "" && p.Bucket == "" {
		bad("ProbePrefix", "needs Bucket")
	}
	if len(p.SubnetIDs) > 0 && len(p.SecurityGroupIDs) == 0 {
		bad("SecurityGroupIDs", "required with SubnetIDs")
	}
	if len(p.SubnetIDs) == 0 && len(p.SecurityGroupIDs) > 0 {
		bad("SubnetIDs", "required with SecurityGroupIDs")
	}
	switch p.FunctionURLAuthType {
	case FunctionURLNone, FunctionURLOpen, FunctionURLIAM:
	default:
		bad("FunctionURLAuthType", "%q is not one of \"\", NONE, AWS_IAM", p.FunctionURLAuthType)
	}
	if p.ALBRulePriority < 1 || p.ALBRulePriority > 50000 {
		bad("ALBRulePriority", "%d is not from 1 to 50000", p.ALBRulePriority)
	}
	errs = append(errs, p.Route53.problems()...)
	names := map[string]bool{}
	for i, c := range p.Checks {
		if !checkPattern.MatchString(c.Name) {
			bad(fmt.Sprintf("Checks[%d].Name", i), "%q must be 1-64 letters, digits, '.', '_' or '-'", c.Name)
		}
		if names[c.Name] {
			bad(fmt.Sprintf("Checks[%d].Name", i), "duplicate name %q", c.Name)
		}
		names[c.Name] = true
	}
	return errors.Join(errs...)
}

// retentionDays maps each retention to its number of days (the SAM
// template's LogRetentionDays).
var retentionDays = map[awslogs.RetentionDays]int{
	awslogs.RetentionDays_ONE_DAY:         1,
	awslogs.RetentionDays_THREE_DAYS:      3,
	awslogs.RetentionDays_FIVE_DAYS:       5,
	awslogs.RetentionDays_ONE_WEEK:        7,
	awslogs.RetentionDays_TWO_WEEKS:       14,
	awslogs.RetentionDays_ONE_MONTH:       30,
	awslogs.RetentionDays_TWO_MONTHS:      60,
	awslogs.RetentionDays_THREE_MONTHS:    90,
	awslogs.RetentionDays_FOUR_MONTHS:     120,
	awslogs.RetentionDays_FIVE_MONTHS:     150,
	awslogs.RetentionDays_SIX_MONTHS:      180,
	awslogs.RetentionDays_ONE_YEAR:        365,
	awslogs.RetentionDays_THIRTEEN_MONTHS: 400,
	awslogs.RetentionDays_EIGHTEEN_MONTHS: 545,
	awslogs.RetentionDays_TWO_YEARS:       731,
	awslogs.RetentionDays_THREE_YEARS:     1096,
	awslogs.RetentionDays_FIVE_YEARS:      1827,
	awslogs.RetentionDays_SIX_YEARS:       2192,
	awslogs.RetentionDays_SEVEN_YEARS:     2557,
	awslogs.RetentionDays_EIGHT_YEARS:     2922,
	awslogs.RetentionDays_NINE_YEARS:      3288,
	awslogs.RetentionDays_TEN_YEARS:       3653,
}
