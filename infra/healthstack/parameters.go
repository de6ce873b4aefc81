package healthstack

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"

	"github.com/lambdahealth/lambdahealth/pkg/checkbuild"
	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
)

// ParameterNames lists the parameters of template.yaml, in the template's
// order. PropsFromParameters reads them; the CDK app takes them as context
// keys (-c Name=value).
var ParameterNames = []string{
	"ServiceName", "EnvironmentName", "ServiceVersion", "Budget", "CacheTtl", "Details",
	"TokenSecretArn", "DrainParameterName", "MaintenanceWindows", "ChecksJson", "ChecksParameterName", "MetricsNamespace", "MetricsMode",
	"CanarySchedule", "SloTarget", "SloDays", "DeploymentType", "LogRetentionDays", "SubnetIds", "SecurityGroupIds", "QueueArns",
	"BucketName", "ProbePrefix", "DbUserArns", "SecretArns", "TableArns", "TableProbeArns", "TopicArns",
	"StreamArns", "EventBusArns", "DescribedSecretArns", "CacheArns",
	"AlarmEmail", "AlarmTopicArn", "RestApi", "FunctionUrlAuthType", "AlbListenerArn", "AlbRulePriority",
	"Route53HealthCheck", "Route53HealthCheckInterval", "Route53FailureThreshold",
	"HealthReservedConcurrency", "ApiThrottlingRateLimit", "ApiThrottlingBurstLimit",
}

// RemovedParameters are former settings, each with what replaced it.
// PropsFromParameters names them rather than calling them unknown; the CDK
// app reads them from the context for that reason.
var RemovedParameters = map[string]string{
	"CriticalChecks": removedCritical,
	"CriticalCheck1": removedCritical, "CriticalCheck2": removedCritical, "CriticalCheck3": removedCritical,
	"CriticalCheck4": removedCritical, "CriticalCheck5": removedCritical,
}

const removedCritical = "no longer a setting: every check in ChecksJson gets an alarm unless it says \"critical\": false"

// PropsFromParameters builds props from template.yaml parameter values, read
// as CloudFormation reads them (CommaDelimitedList members are trimmed; a
// missing or empty value means the parameter's default). Unknown names are
// errors. Besides the template's parameters it takes AssetDir.
// A former setting (RemovedParameters) is an error that says what replaced it.
func PropsFromParameters(params map[string]string) (HealthProps, error) {
	var p HealthProps
	r := &parameterReader{params: params}
	r.unknown()
	bad, str, list, dur, num := r.bad, r.str, r.list, r.dur, r.num

	p.Service = str("ServiceName")
	p.Environment = str("EnvironmentName")
	p.Version = str("ServiceVersion")
	p.Budget = dur("Budget")
	if str("CacheTtl") != "" {
		ttl := dur("CacheTtl")
		p.CacheTTL = &ttl
	}
	p.Details = DetailsMode(str("Details"))
	p.TokenSecretARN = str("TokenSecretArn")
	p.DrainParameter = str("DrainParameterName")
	if v := str("MaintenanceWindows"); v != "" {
		// The functions' own parser: a bad field fails synth naming it.
		windows, err := maintenance.Parse(v)
		for _, e := range unjoin(err) {
			if e != nil {
				bad("MaintenanceWindows", "%v", e)
			}
		}
		// As a user writes them: the exported fields only.
		for _, w := range windows {
			p.MaintenanceWindows = append(p.MaintenanceWindows, maintenance.Window{
				Start: w.Start, End: w.End, Cron: w.Cron, Duration: w.Duration, Reason: w.Reason})
		}
	}
	if v := str("ChecksJson"); v != "" {
		// The functions' own parser and validator: a bad field fails synth
		// with the message the functions would print at start-up.
		checks, err := checkbuild.ParseChecks(v)
		if err != nil {
			for _, e := range unjoin(err) {
				bad("ChecksJson", "%v", e)
			}
		}
		p.Checks = checks
	}
	p.ChecksParameter = str("ChecksParameterName")
	p.MetricsNamespace = str("MetricsNamespace")
	p.Metrics = MetricsMode(str("MetricsMode"))
	p.CanarySchedule = str("CanarySchedule")
	if v := str("SloTarget"); v != "" {
		target, err := strconv.ParseFloat(v, 64)
		if err != nil {
			bad("SloTarget", "%q is not a number", v)
		}
		p.SLOTarget = target
	}
	p.SLODays = num("SloDays")
	p.DeploymentType = str("DeploymentType")
	if days := num("LogRetentionDays"); days != 0 {
		r, ok := retentionFor(days)
		if !ok {
			bad("LogRetentionDays", "%d is not a retention CloudWatch Logs offers", days)
		}
		p.LogRetention = r
	}
	p.SubnetIDs = list("SubnetIds")
	p.SecurityGroupIDs = list("SecurityGroupIds")
	p.QueueARNs = list("QueueArns")
	p.Bucket = str("BucketName")
	p.ProbePrefix = str("ProbePrefix")
	p.DBUserARNs = list("DbUserArns")
	p.SecretARNs = list("SecretArns")
	p.TableARNs = list("TableArns")
	p.TableProbeARNs = list("TableProbeArns")
	p.TopicARNs = list("TopicArns")
	p.StreamARNs = list("StreamArns")
	p.EventBusARNs = list("EventBusArns")
	p.DescribedSecretARNs = list("DescribedSecretArns")
	p.CacheARNs = list("CacheArns")
	p.AlarmEmail = str("AlarmEmail")
	p.AlarmTopicARN = str("AlarmTopicArn")
	switch v := str("RestApi"); v {
	case "", "false":
	case "true":
		p.RestAPI = true
	default:
		bad("RestApi", "%q is not true or false", v)
	}
	p.FunctionURLAuthType = FunctionURLAuthType(str("FunctionUrlAuthType"))
	p.ALBListenerARN = str("AlbListenerArn")
	p.ALBRulePriority = num("AlbRulePriority")
	p.AssetDir = str("AssetDir")
	p.Route53 = Route53Props{Mode: Route53Mode(str("Route53HealthCheck")),
		IntervalSeconds: num("Route53HealthCheckInterval"), FailureThreshold: num("Route53FailureThreshold")}
	p.Limits = limitsFromParameters(params, bad)

	if len(r.errs) > 0 {
		return HealthProps{}, errors.Join(r.errs...)
	}
	return p, nil
}

// parameterReader reads template.yaml parameter values for
// PropsFromParameters, collecting one error per bad value.
type parameterReader struct {
	params map[string]string
	errs   []error
}

func (r *parameterReader) bad(name, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("parameter %s: %s", name, fmt.Sprintf(format, args...)))
}

// unknown reports every name that is no template.yaml parameter (nor
// AssetDir), saying what replaced a removed one.
func (r *parameterReader) unknown() {
	var unknown []string
	for k := range r.params {
		if !slices.Contains(ParameterNames, k) && k != "AssetDir" {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		if msg, ok := RemovedParameters[k]; ok {
			r.bad(k, "%s", msg)
			continue
		}
		r.bad(k, "unknown (known: %s, AssetDir)", strings.Join(ParameterNames, ", "))
	}
}

func (r *parameterReader) str(name string) string { return strings.TrimSpace(r.params[name]) }

// list is a comma-separated value, without blanks.
func (r *parameterReader) list(name string) []string {
	var out []string
	for _, v := range strings.Split(r.params[name], ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// dur is a Go duration, 0 when empty.
func (r *parameterReader) dur(name string) time.Duration {
	v := r.str(name)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		r.bad(name, "%q is not a Go duration such as 2s or 500ms", v)
	}
	return d
}

// num is a whole number, 0 when empty.
func (r *parameterReader) num(name string) int {
	v := r.str(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		r.bad(name, "%q is not a whole number", v)
	}
	return n
}

func retentionFor(days int) (awslogs.RetentionDays, bool) {
	for r, d := range retentionDays {
		if d == days {
			return r, true
		}
	}
	return "", false
}
