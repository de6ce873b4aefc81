package healthstack

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"

	"github.com/lambdahealth/lambdahealth/pkg/checkbuild"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

// Defaults applied to zero-valued props; they are the defaults of the SAM
// template's parameters and of the functions' own configuration.
const (
	DefaultService          = config.DefaultService
	DefaultBudget           = config.DefaultBudget
	DefaultCacheTTL         = config.DefaultCacheTTL
	DefaultDetails          = DetailsMode(config.DefaultDetails)
	DefaultMetricsNamespace = config.DefaultMetricsNamespace
	DefaultMetrics          = MetricsMode(config.DefaultMetrics)
	DefaultCanarySchedule   = "rate(1 minute)"
	DefaultLogRetention     = awslogs.RetentionDays_ONE_MONTH
	DefaultALBRulePriority  = 100
	DefaultAssetDir         = "../build"
	DefaultBuildRoot        = ".."
	// ChecksFileName is the file ChecksFile writes beside bootstrap.
	ChecksFileName = "checks.json"
)

// DetailsMode is HEALTH_DETAILS: who sees the checks map and outputs.
type DetailsMode string

// Details modes.
const (
	DetailsNever      = DetailsMode(healthhttp.DetailsNever)
	DetailsAuthorized = DetailsMode(healthhttp.DetailsAuthorized)
	DetailsAlways     = DetailsMode(healthhttp.DetailsAlways)
)

// MetricsMode is HEALTH_METRICS: how the canary records its metrics.
type MetricsMode string

// Metrics modes.
const (
	MetricsAPI  = MetricsMode(metrics.ModeAPI)
	MetricsEMF  = MetricsMode(metrics.ModeEMF)
	MetricsBoth = MetricsMode(metrics.ModeBoth)
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

// HealthStackProps configures NewHealthStack: the stack's own props and
// the props of the one Health it holds.
type HealthStackProps struct {
	awscdk.StackProps
	HealthProps
}

// HealthProps configures NewHealth. Every field but AssetDir has a
// parameter of the same meaning in template.yaml (its name is in the field's
// comment), and zero values mean that parameter's default.
type HealthProps struct {
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
	// of the SSM parameter whose value "drain" fails readiness and whose value
	// "maintenance" is ad-hoc maintenance; both functions read it (the canary
	// for InMaintenance), and get ssm:GetParameter on it alone.
	DrainParameter string
	// MaintenanceWindows is HEALTH_MAINTENANCE (MaintenanceWindows), for both
	// functions: fixed windows (Start, End) or recurring ones (Cron, a 5-field
	// UTC expression, and Duration), each with its Reason; validated as the
	// functions validate them. Default none.
	MaintenanceWindows []maintenance.Window
	// Checks is HEALTH_CHECKS (ChecksJson), in the specs of the check kinds
	// (pkg/checks/<kind>), validated as the functions validate them at
	// start-up. Default none ("[]"). Every critical check (Critical nil or
	// true) gets an alarm of its own (CriticalCheckNames); the SAM template
	// has the service's SuccessAlarm only, which fires on the same runs
	// (docs/DEPLOY.md, "Alarms"). Both functions are granted
	// the IAM permissions of every check whose resource the check names
	// (Permissions); the props below grant the others.
	Checks []Check
	// ChecksParameter is HEALTH_CHECKS_PARAMETER (ChecksParameterName), the
	// name of an SSM parameter holding the checks' JSON array, which both
	// functions read once at start-up (ssm:GetParameter on it): for checks
	// that do not fit in Lambda's 4 KB environment. Default none. When set,
	// HEALTH_CHECKS is not set, and Checks only names the checks for their
	// alarms (it may be left empty: then no per-check alarm).
	ChecksParameter string
	// ChecksFile puts Checks in a file, ChecksFileName, beside bootstrap in
	// each function's asset (a copy of AssetDir/<function>/arm64 in
	// AssetDir/<function>/arm64-checks), and sets HEALTH_CHECKS_FILE to it
	// instead of HEALTH_CHECKS: for checks past Lambda's 4 KB environment and
	// past an SSM parameter's 8 KB. CDK only (the SAM template takes
	// ChecksParameterName); not with ChecksParameter. Default false.
	ChecksFile bool
	// MetricsNamespace is HEALTH_METRICS_NAMESPACE (MetricsNamespace), watched
	// by the alarms. Default DefaultMetricsNamespace.
	MetricsNamespace string
	// Metrics is HEALTH_METRICS (MetricsMode); with MetricsEMF the canary gets
	// no cloudwatch:PutMetricData. Default DefaultMetrics.
	Metrics MetricsMode

	// CanarySchedule is the canary's EventBridge schedule expression
	// (CanarySchedule): rate(N minutes) or rate(N hours), up to 288 minutes
	// (CanaryInterval); every alarm's period follows it. Default
	// DefaultCanarySchedule.
	CanarySchedule string
	// DeploymentType is how CodeDeploy shifts the health function's alias to
	// a new version (DeploymentType): one of DeploymentTypes. Default
	// DefaultDeploymentType.
	DeploymentType string
	// LogRetention is the retention of both log groups (LogRetentionDays).
	// Default DefaultLogRetention.
	LogRetention awslogs.RetentionDays

	// SubnetIDs puts both functions in these subnets (SubnetIds); with
	// SecurityGroupIDs (SecurityGroupIds). Default none: no VPC.
	SubnetIDs        []string
	SecurityGroupIDs []string

	// QueueARNs grants sqs:GetQueueAttributes on these queues (QueueArns),
	// besides the queues of the sqs checks that have AWS queue URLs.
	QueueARNs []string
	// Bucket grants s3:ListBucket on this bucket (BucketName), besides the
	// buckets of the s3 checks.
	Bucket string
	// ProbePrefix grants s3:PutObject, s3:GetObject and s3:DeleteObject on
	// Bucket/ProbePrefix/* (ProbePrefix); no leading or trailing slash.
	ProbePrefix string
	// DBUserARNs grants rds-db:connect on these rds-db user ARNs
	// (DbUserArns): the database checks with iamAuth need them, since their
	// ARNs hold the instance's resource ID, which no check names.
	DBUserARNs []string
	// SecretARNs grants secretsmanager:GetSecretValue on these full secret
	// ARNs (SecretArns), besides the secretArn of every database check and
	// the authSecretArn of every redis check.
	SecretARNs []string
	// TableARNs grants dynamodb:DescribeTable (TableArns), TableProbeARNs
	// dynamodb:PutItem, GetItem and DeleteItem (TableProbeArns), TopicARNs
	// sns:GetTopicAttributes and sns:ListSubscriptionsByTopic (TopicArns),
	// StreamARNs kinesis:DescribeStreamSummary (StreamArns), EventBusARNs
	// events:DescribeEventBus (EventBusArns), DescribedSecretARNs
	// secretsmanager:DescribeSecret (DescribedSecretArns), besides the
	// resources the checks name; CacheARNs grants elasticache:Connect
	// (CacheArns), which the redis checks with iamAuth need, since their
	// cache and user ARNs are not in the checks.
	TableARNs           []string
	TableProbeARNs      []string
	TopicARNs           []string
	StreamARNs          []string
	EventBusARNs        []string
	DescribedSecretARNs []string
	CacheARNs           []string

	// SLOTarget is the SLO's attainment goal in percent (SloTarget), over a
	// rolling SLODays days (SloDays). Defaults DefaultSLOTarget and
	// DefaultSLODays. The SLO exists when the canary runs at least every
	// MaxSLOPeriod (HasSLO).
	SLOTarget float64
	SLODays   int

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

	// Limits are the health function's reserved concurrency and the API
	// stages' throttling (HealthReservedConcurrency, ApiThrottlingRateLimit,
	// ApiThrottlingBurstLimit). Default: LimitsProps's defaults.
	Limits LimitsProps

	// AssetDir holds <function>/arm64/bootstrap, as `make build` writes them.
	// Default DefaultAssetDir, relative to infra/ where cdk runs.
	AssetDir string

	// LeanBootstraps builds the health and canary bootstraps at synth with
	// only the check kinds of Checks and the controls their settings use
	// (`make build KINDS=… CONTROLS=…` in BuildRoot, into AssetDir), instead
	// of the all-kinds ones in AssetDir: a shorter cold start
	// (docs/PERFORMANCE.md). Lean bootstraps read credentials from the
	// environment only, as Lambda gives them. Default false.
	LeanBootstraps bool

	// BuildRoot is the checkout whose Makefile LeanBootstraps runs. Default
	// DefaultBuildRoot, relative to infra/ where cdk runs.
	BuildRoot string
}

// Check is one element of HEALTH_CHECKS: the common fields and its
// kind's spec, as the functions read it.
type Check = checkbuild.CheckSpec

// CriticalCheckNames are the names of the critical checks in Checks, in
// order: the checks that get an alarm of their own (CheckAlarm1, ...).
func (p HealthProps) CriticalCheckNames() []string {
	var names []string
	for _, c := range p.Checks {
		if c.IsCritical() {
			names = append(names, c.Name)
		}
	}
	return names
}

// ChecksJSON renders checks as the HEALTH_CHECKS value: "[]" when there are none.
func ChecksJSON(checks []Check) (string, error) {
	if len(checks) == 0 {
		return "[]", nil
	}
	parts := make([]string, len(checks))
	for i, c := range checks {
		b, err := c.MarshalJSON()
		if err != nil {
			return "", fmt.Errorf("encode checks[%d]: %w", i, err)
		}
		parts[i] = string(b)
	}
	return "[" + strings.Join(parts, ",") + "]", nil
}

var (
	namePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	envPattern  = regexp.MustCompile(`^[A-Za-z0-9._-]{0,64}$`)
	nsPattern   = regexp.MustCompile(`^[0-9A-Za-z._/#: -]{1,255}$`)
)

// withDefaults returns a copy of p with every zero field set to its default.
func (p HealthProps) withDefaults() HealthProps {
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
	if p.DeploymentType == "" {
		p.DeploymentType = DefaultDeploymentType
	}
	if p.ALBRulePriority == 0 {
		p.ALBRulePriority = DefaultALBRulePriority
	}
	if p.SLOTarget == 0 {
		p.SLOTarget = DefaultSLOTarget
	}
	if p.SLODays == 0 {
		p.SLODays = DefaultSLODays
	}
	if p.AssetDir == "" {
		p.AssetDir = DefaultAssetDir
	}
	if p.BuildRoot == "" {
		p.BuildRoot = DefaultBuildRoot
	}
	p.Route53 = p.Route53.withDefaults()
	p.Limits = p.Limits.withDefaults()
	return p
}

// Validate reports every problem with the props at once, each naming its
// field, the way the functions validate their environment at start-up.
func (p HealthProps) Validate() error {
	p = p.withDefaults()
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("HealthProps.%s: %s", field, fmt.Sprintf(format, args...)))
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
	if _, err := CanaryInterval(p.CanarySchedule); err != nil {
		bad("CanarySchedule", "%v", err)
	}
	if !slices.Contains(DeploymentTypes, p.DeploymentType) {
		bad("DeploymentType", "%q is not one of %s", p.DeploymentType, strings.Join(DeploymentTypes, ", "))
	}
	if _, ok := retentionDays[p.LogRetention]; !ok {
		bad("LogRetention", "%q is not a retention CloudWatch Logs offers", p.LogRetention)
	}
	if p.ChecksFile && p.ChecksParameter != "" {
		bad("ChecksFile", "set either ChecksFile or ChecksParameter, not both")
	}
	if p.SLOTarget < MinSLOTarget || p.SLOTarget > MaxSLOTarget {
		bad("SLOTarget", "%g is not a percentage from %g to %g", p.SLOTarget, MinSLOTarget, MaxSLOTarget)
	}
	if p.SLODays < 1 || p.SLODays > MaxSLODays {
		bad("SLODays", "%d is not from 1 to %d", p.SLODays, MaxSLODays)
	}
	// The functions' own parser, with their messages: a window that
	// Format writes and Parse refuses names its field.
	if raw, err := maintenance.Format(p.MaintenanceWindows); err != nil {
		bad("MaintenanceWindows", "%v", err)
	} else if _, err := maintenance.Parse(raw); err != nil {
		for _, e := range unjoin(err) {
			var fe *maintenance.FieldError
			if errors.As(e, &fe) {
				bad("MaintenanceWindows"+fe.Path, "%s", fe.Problem)
				continue
			}
			bad("MaintenanceWindows", "%v", e)
		}
	}
	p.resourceProblems(bad)
	errs = append(errs, p.Route53.problems()...)
	errs = append(errs, p.Limits.problems()...)
	for _, problem := range p.ungranted() {
		bad("Checks", "%s", problem)
	}
	// The functions' own validation, with the messages they would print at
	// start-up.
	if err := checkbuild.ValidateChecks(p.Checks); err != nil {
		for _, e := range unjoin(err) {
			errs = append(errs, fmt.Errorf("HealthProps.Checks: %w", e))
		}
	}
	return errors.Join(errs...)
}

// resourceProblems reports, through bad, the props that name AWS resources
// and front doors: ARNs, the probe prefix, the VPC, the Function URL and the
// ALB rule.
func (p HealthProps) resourceProblems(bad func(field, format string, args ...any)) {
	if p.TokenSecretARN != "" && !strings.HasPrefix(p.TokenSecretARN, "arn:") {
		bad("TokenSecretARN", "not an ARN (must start with arn:)")
	}
	if p.AlarmTopicARN != "" && !strings.HasPrefix(p.AlarmTopicARN, "arn:") {
		bad("AlarmTopicARN", "not an ARN (must start with arn:)")
	}
	if p.ALBListenerARN != "" && !strings.HasPrefix(p.ALBListenerARN, "arn:") {
		bad("ALBListenerARN", "not an ARN (must start with arn:)")
	}
	for field, arns := range map[string][]string{"QueueARNs": p.QueueARNs, "DBUserARNs": p.DBUserARNs, "SecretARNs": p.SecretARNs,
		"TableARNs": p.TableARNs, "TableProbeARNs": p.TableProbeARNs, "TopicARNs": p.TopicARNs, "StreamARNs": p.StreamARNs,
		"EventBusARNs": p.EventBusARNs, "DescribedSecretARNs": p.DescribedSecretARNs, "CacheARNs": p.CacheARNs} {
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

// unjoin returns the errors that errors.Join joined into err.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
