package healthstack

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Secure by default (docs/DEPLOY.md, "Security"): reserved concurrency, API
// stage throttling and access logs, an alarm topic encrypted with a key
// CloudWatch may use, and a checkov skip with its reason on every resource a
// check flags by design. template.yaml says the same; the parity test and
// `make lint-iac` (checkov) keep the two equal and clean.

// Defaults of LimitsProps, those of the template's parameters, and the
// fixed reservations of the other functions.
const (
	// DefaultHealthReservedConcurrency is sized for the API throttle at the
	// default budget: 50 requests a second that each take up to 2 s need
	// 100 instances. It takes 10% of the default account quota of 1,000.
	DefaultHealthReservedConcurrency = 100
	// CanaryReservedConcurrency: one run at a time (a run ends within
	// CanaryTimeoutSeconds, runs are at least a minute apart) and one manual
	// invocation beside it.
	CanaryReservedConcurrency = 2
	// GateReservedConcurrency: one hook run per deployment, and one left
	// over from a stopped deployment.
	GateReservedConcurrency = 2
	// DefaultAPIThrottlingRateLimit and DefaultAPIThrottlingBurstLimit are
	// the stages' steady requests per second and burst; past them API
	// Gateway answers 429 without invoking the function.
	DefaultAPIThrottlingRateLimit  = 50
	DefaultAPIThrottlingBurstLimit = 100
)

// AccessLogFormat is the access log line of both API stages: no header and
// no query string, so never the details token.
const AccessLogFormat = `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime",` +
	`"httpMethod":"$context.httpMethod","path":"$context.path","status":"$context.status","protocol":"$context.protocol",` +
	`"responseLength":"$context.responseLength","integrationLatency":"$context.integrationLatency"}`

// LimitsProps caps what a flood of requests can cost and take from the
// account. Every field has a template parameter of the same meaning; zero
// values are its default.
type LimitsProps struct {
	// HealthReservedConcurrency is the health function's reserved
	// concurrency (HealthReservedConcurrency); the canary gets
	// CanaryReservedConcurrency and each gate GateReservedConcurrency. A
	// pointer to 0 reserves none for any function, for accounts whose
	// concurrency quota leaves no room (Lambda keeps 100 unreserved).
	// Default (nil) DefaultHealthReservedConcurrency.
	HealthReservedConcurrency *int
	// APIThrottlingRateLimit is the HTTP and REST API stages' steady rate,
	// in requests per second (ApiThrottlingRateLimit). Default
	// DefaultAPIThrottlingRateLimit.
	APIThrottlingRateLimit float64
	// APIThrottlingBurstLimit is the stages' burst (ApiThrottlingBurstLimit).
	// Default DefaultAPIThrottlingBurstLimit.
	APIThrottlingBurstLimit int
}

func (l LimitsProps) withDefaults() LimitsProps {
	if l.HealthReservedConcurrency == nil {
		n := DefaultHealthReservedConcurrency
		l.HealthReservedConcurrency = &n
	}
	if l.APIThrottlingRateLimit == 0 {
		l.APIThrottlingRateLimit = DefaultAPIThrottlingRateLimit
	}
	if l.APIThrottlingBurstLimit == 0 {
		l.APIThrottlingBurstLimit = DefaultAPIThrottlingBurstLimit
	}
	return l
}

// problems lists what is wrong with l, each naming its field.
func (l LimitsProps) problems() []error {
	l = l.withDefaults()
	var errs []error
	if *l.HealthReservedConcurrency < 0 {
		errs = append(errs, fmt.Errorf("HealthProps.Limits.HealthReservedConcurrency: %d is negative (0 reserves none)", *l.HealthReservedConcurrency))
	}
	if l.APIThrottlingRateLimit < 0 {
		errs = append(errs, fmt.Errorf("HealthProps.Limits.APIThrottlingRateLimit: %v is negative", l.APIThrottlingRateLimit))
	}
	if l.APIThrottlingBurstLimit < 0 {
		errs = append(errs, fmt.Errorf("HealthProps.Limits.APIThrottlingBurstLimit: %d is negative", l.APIThrottlingBurstLimit))
	}
	return errs
}

// limitsFromParameters reads LimitsProps from the template's parameter
// values (empty means the default), reporting a bad value through bad.
func limitsFromParameters(params map[string]string, bad func(name, format string, args ...any)) LimitsProps {
	var l LimitsProps
	number := func(name string) (float64, bool) {
		v := strings.TrimSpace(params[name])
		if v == "" {
			return 0, false
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			bad(name, "%q is not a number", v)
			return 0, false
		}
		return f, true
	}
	if f, ok := number("HealthReservedConcurrency"); ok {
		n := int(f)
		l.HealthReservedConcurrency = &n
	}
	l.APIThrottlingRateLimit, _ = number("ApiThrottlingRateLimit")
	burst, _ := number("ApiThrottlingBurstLimit")
	l.APIThrottlingBurstLimit = int(burst)
	return l
}

// reservation is function's reserved concurrency, 0 for none.
func (l LimitsProps) reservation(function string) int {
	l = l.withDefaults()
	if *l.HealthReservedConcurrency == 0 {
		return 0
	}
	switch assetOf(function) {
	case "health":
		return *l.HealthReservedConcurrency
	case "canary":
		return CanaryReservedConcurrency
	case "gate":
		return GateReservedConcurrency
	}
	return 0
}

// checkovSkip is one entry of a resource's checkov skip metadata.
type checkovSkip struct{ id, comment string }

// The reasons, word for word those of template.yaml.
var (
	skipEnvironmentKMS = checkovSkip{"CKV_AWS_173", "The environment is configuration, never a secret (secrets are read from Secrets Manager at run time); " +
		"Lambda encrypts it at rest with its AWS managed key."}
	skipVPC = checkovSkip{"CKV_AWS_117", "A VPC is opt-in (SubnetIds), needed only to reach private dependencies such as RDS; " +
		"the function calls nothing else in the account."}
	skipLogGroupKMS = checkovSkip{"CKV_AWS_158", "The logs hold no secrets (JSON lines that never quote a credential); " +
		"CloudWatch Logs encrypts them at rest, and a KMS key of your own is an opt-in cost."}
	skipFunctionURL = checkovSkip{"CKV_AWS_258", "Public only when FunctionUrlAuthType is NONE, an explicit opt-in for unauthenticated monitors; " +
		"details still need the token, and reserved concurrency caps a flood."}
	skipRESTTracing = checkovSkip{"CKV_AWS_73", "X-Ray tracing is an opt-in cost; every request is in the access log and the function's log under its request ID."}
	skipRESTCache   = checkovSkip{"CKV_AWS_120", "A health answer must be current; the function caches check results itself (CacheTtl), " +
		"and an API Gateway cache would serve stale readiness."}
	// A dead-letter queue per function, as each is invoked.
	skipDLQ = map[string]checkovSkip{
		"health": {"CKV_AWS_116", "Invoked synchronously (API Gateway, Function URL, ALB, the gates), so a failed request is answered, never queued; " +
			"a DLQ only receives failed asynchronous events."},
		"canary": {"CKV_AWS_116", "A scheduled run that failed is not worth redriving (MaximumRetryAttempts 0; the next run is due within one interval); " +
			"CanaryErrorsAlarm reports failed runs."},
		"gate": {"CKV_AWS_116", "CodeDeploy's lifecycle hook; a run that fails or is lost fails the hook at its deadline and CodeDeploy rolls back, " +
			"so there is nothing to redrive."},
	}
)

// skipChecks adds checkov skip metadata to c's CloudFormation resource.
func skipChecks(c constructs.IConstruct, skips ...checkovSkip) {
	cfn, ok := c.(awscdk.CfnResource)
	if !ok {
		cfn = c.Node().DefaultChild().(awscdk.CfnResource)
	}
	entries := make([]any, len(skips))
	for i, s := range skips {
		entries[i] = map[string]any{"id": s.id, "comment": s.comment}
	}
	cfn.AddMetadata(jsii.String("checkov"), map[string]any{"skip": entries})
}

// secureFunction reserves function's concurrency (LimitsProps) and marks
// the checks it does not follow by design.
func secureFunction(cfn awslambda.CfnFunction, function string, limits LimitsProps) {
	if n := limits.reservation(function); n > 0 {
		cfn.SetReservedConcurrentExecutions(jsii.Number(float64(n)))
	}
	skips := []checkovSkip{skipEnvironmentKMS, skipVPC}
	if dlq, ok := skipDLQ[assetOf(function)]; ok {
		skips = append([]checkovSkip{dlq}, skips...)
	}
	skipChecks(cfn, skips...)
}

// accessLogGroup is the log group of an API stage's access log.
func accessLogGroup(scope constructs.Construct, id, name string, retention awslogs.RetentionDays) awslogs.LogGroup {
	lg := awslogs.NewLogGroup(scope, jsii.String(id), &awslogs.LogGroupProps{
		LogGroupName:  awscdk.Fn_Sub(jsii.String("/aws/apigateway/${AWS::StackName}/"+name), nil),
		Retention:     retention,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	skipChecks(lg, skipLogGroupKMS)
	return lg
}

// secureHTTPAPI gives the HTTP API's default stage its access log
// (HttpApiAccessLogGroup) and throttling.
func secureHTTPAPI(scope constructs.Construct, api awsapigatewayv2.HttpApi, p HealthProps) {
	l := p.Limits.withDefaults()
	lg := accessLogGroup(scope, "HttpApiAccessLogGroup", "http-access", p.LogRetention)
	stage := api.DefaultStage().Node().DefaultChild().(awsapigatewayv2.CfnStage)
	stage.SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: lg.LogGroupArn(),
		Format:         jsii.String(AccessLogFormat),
	})
	stage.SetDefaultRouteSettings(&awsapigatewayv2.CfnStage_RouteSettingsProperty{
		ThrottlingRateLimit:  jsii.Number(l.APIThrottlingRateLimit),
		ThrottlingBurstLimit: jsii.Number(float64(l.APIThrottlingBurstLimit)),
	})
}

// secureRESTAPI gives the REST API's stage its access log
// (RestApiAccessLogGroup) and throttling on every method.
func secureRESTAPI(scope constructs.Construct, api awsapigateway.SpecRestApi, p HealthProps) {
	l := p.Limits.withDefaults()
	lg := accessLogGroup(scope, "RestApiAccessLogGroup", "rest-access", p.LogRetention)
	stage := api.DeploymentStage().Node().DefaultChild().(awsapigateway.CfnStage)
	stage.SetAccessLogSetting(&awsapigateway.CfnStage_AccessLogSettingProperty{
		DestinationArn: lg.LogGroupArn(),
		Format:         jsii.String(AccessLogFormat),
	})
	stage.SetMethodSettings(&[]any{&awsapigateway.CfnStage_MethodSettingProperty{
		ResourcePath:         jsii.String("/*"),
		HttpMethod:           jsii.String("*"),
		ThrottlingRateLimit:  jsii.Number(l.APIThrottlingRateLimit),
		ThrottlingBurstLimit: jsii.Number(float64(l.APIThrottlingBurstLimit)),
	}})
	skipChecks(stage, skipRESTTracing, skipRESTCache)
}

// encryptAlarmTopic encrypts the alarm topic with AlarmTopicKey, a key of
// the stack's own. Not the AWS managed alias/aws/sns: CloudWatch alarms
// publish to an encrypted topic only when the key policy lets
// cloudwatch.amazonaws.com use the key, and alias/aws/sns's policy cannot be
// changed.
func encryptAlarmTopic(scope constructs.Construct, topic awssns.Topic, service string) {
	root := awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"), nil)
	key := awskms.NewCfnKey(scope, jsii.String("AlarmTopicKey"), &awskms.CfnKeyProps{
		Description:         jsii.String(service + " health alarms topic (SNS encryption; CloudWatch alarms publish with it)"),
		EnableKeyRotation:   jsii.Bool(true),
		PendingWindowInDays: jsii.Number(7),
		KeyPolicy: map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{
				map[string]any{"Sid": "Account", "Effect": "Allow", "Principal": map[string]any{"AWS": root},
					"Action": "kms:*", "Resource": "*"},
				map[string]any{"Sid": "CloudWatchAlarms", "Effect": "Allow", "Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
					"Action": []any{"kms:Decrypt", "kms:GenerateDataKey*"}, "Resource": "*",
					"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": awscdk.Aws_ACCOUNT_ID()}}},
			},
		},
	})
	key.ApplyRemovalPolicy(awscdk.RemovalPolicy_DESTROY, nil)
	topic.Node().DefaultChild().(awssns.CfnTopic).SetKmsMasterKeyId(key.AttrArn())
}
