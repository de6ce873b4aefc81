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

	"github.com/lambdahealth/lambdahealth/pkg/config"
)

// ParameterNames lists the parameters of template.yaml, in the template's
// order. PropsFromParameters reads them; the CDK app takes them as context
// keys (-c Name=value).
var ParameterNames = []string{
	"ServiceName", "EnvironmentName", "ServiceVersion", "Budget", "CacheTtl", "Details",
	"TokenSecretArn", "DrainParameterName", "ChecksJson", "ChecksParameterName", "MetricsNamespace", "MetricsMode",
	"CanarySchedule", "DeploymentType", "LogRetentionDays", "SubnetIds", "SecurityGroupIds", "QueueArns",
	"BucketName", "ProbePrefix", "DbUserArns", "SecretArns", "TableArns", "TableProbeArns", "TopicArns",
	"StreamArns", "EventBusArns", "DescribedSecretArns", "CacheArns",
	"CriticalCheck1", "CriticalCheck2", "CriticalCheck3", "CriticalCheck4", "CriticalCheck5",
	"AlarmEmail", "AlarmTopicArn", "RestApi", "FunctionUrlAuthType", "AlbListenerArn", "AlbRulePriority",
	"Route53HealthCheck", "Route53HealthCheckInterval", "Route53FailureThreshold",
	"HealthReservedConcurrency", "ApiThrottlingRateLimit", "ApiThrottlingBurstLimit",
}

// criticalCheckParameters are the SAM template's five alarm slots.
var criticalCheckParameters = []string{"CriticalCheck1", "CriticalCheck2", "CriticalCheck3", "CriticalCheck4", "CriticalCheck5"}

// PropsFromParameters builds props from template.yaml parameter values, read
// as CloudFormation reads them (CommaDelimitedList members are trimmed; a
// missing or empty value means the parameter's default). Unknown names are
// errors. Besides the template's parameters it takes AssetDir.
//
// The stack alarms on every critical check of ChecksJson by itself, so
// CriticalCheck1..CriticalCheck5 configure nothing here. They are checked
// instead, so that one set of values gives both forms the same alarms: when
// any is set, together they must name exactly the critical checks of
// ChecksJson (the SAM template alarms only on the checks they name).
func PropsFromParameters(params map[string]string) (HealthProps, error) {
	var p HealthProps
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("parameter %s: %s", name, fmt.Sprintf(format, args...)))
	}
	var unknown []string
	for k := range params {
		if !slices.Contains(ParameterNames, k) && k != "AssetDir" {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		if k == "CriticalChecks" {
			bad(k, "no longer a setting: every check in ChecksJson gets an alarm unless it says \"critical\": false")
			continue
		}
		bad(k, "unknown (known: %s, AssetDir)", strings.Join(ParameterNames, ", "))
	}

	str := func(name string) string { return strings.TrimSpace(params[name]) }
	list := func(name string) []string {
		var out []string
		for _, v := range strings.Split(params[name], ",") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	dur := func(name string) time.Duration {
		v := str(name)
		if v == "" {
			return 0
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			bad(name, "%q is not a Go duration such as 2s or 500ms", v)
		}
		return d
	}
	num := func(name string) int {
		v := str(name)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			bad(name, "%q is not a whole number", v)
		}
		return n
	}

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
	checksOK := true
	if v := str("ChecksJson"); v != "" {
		// The functions' own parser and validator: a bad field fails synth
		// with the message the functions would print at start-up.
		checks, err := config.ParseChecks(v)
		if err != nil {
			for _, e := range unjoin(err) {
				bad("ChecksJson", "%v", e)
			}
			checksOK = false
		}
		p.Checks = checks
	}
	p.ChecksParameter = str("ChecksParameterName")
	p.MetricsNamespace = str("MetricsNamespace")
	p.Metrics = MetricsMode(str("MetricsMode"))
	p.CanarySchedule = str("CanarySchedule")
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
	if checksOK {
		for _, err := range checkCriticalParameters(params, p.CriticalCheckNames()) {
			bad(err[0], "%s", err[1])
		}
	}

	if len(errs) > 0 {
		return HealthProps{}, errors.Join(errs...)
	}
	return p, nil
}

func retentionFor(days int) (awslogs.RetentionDays, bool) {
	for r, d := range retentionDays {
		if d == days {
			return r, true
		}
	}
	return "", false
}

// checkCriticalParameters compares CriticalCheck1..CriticalCheck5 with the
// critical checks of ChecksJson and returns each problem as {parameter,
// message}. Leaving them all empty is fine.
func checkCriticalParameters(params map[string]string, critical []string) [][2]string {
	var problems [][2]string
	seen := map[string]string{}
	for _, name := range criticalCheckParameters {
		v := strings.TrimSpace(params[name])
		switch {
		case v == "":
			continue
		case seen[v] != "":
			problems = append(problems, [2]string{name, fmt.Sprintf("%q is %s already", v, seen[v])})
		case !slices.Contains(critical, v):
			problems = append(problems, [2]string{name, fmt.Sprintf("%q is not a critical check in ChecksJson (critical checks: %s)", v, listOrNone(critical))})
		}
		seen[v] = name
	}
	if len(seen) == 0 {
		return problems
	}
	var missing []string
	for _, c := range critical {
		if seen[c] == "" {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("no slot names the critical check(s) %s of ChecksJson; the SAM template alarms only on the checks named "+
			"in these slots, the CDK stack on every critical check", strings.Join(missing, ", "))
		if len(critical) > len(criticalCheckParameters) {
			msg += fmt.Sprintf(": %d critical checks do not fit in %d slots, leave them out here", len(critical), len(criticalCheckParameters))
		} else {
			msg += ": name them all, or leave the slots out"
		}
		problems = append(problems, [2]string{"CriticalCheck1..CriticalCheck5", msg})
	}
	return problems
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
