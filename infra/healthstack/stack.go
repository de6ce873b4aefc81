package healthstack

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	sm "github.com/lambdahealth/lambdahealth/pkg/checks/secretsmanager"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

// FunctionTagKey is the tag that names each function's role ("health" or
// "canary"); the parity test matches functions by it.
const FunctionTagKey = "lambdahealth:function"

// Sizes of the functions; template.yaml's Globals explain the choice.
const (
	MemoryMB             = 256
	HealthTimeoutSeconds = 10
	CanaryTimeoutSeconds = 30
)

// APIPaths are the health function's routes on the HTTP and REST APIs, each
// for every method (ANY). The function answers the contract itself (DESIGN.md,
// "Routes"): 404 for an unknown path, 405 with Allow for a wrong method, a
// trailing slash ignored. Routes on exact paths only would let API Gateway
// answer everything else (404 {"message":"Not Found"} on the HTTP API, 403
// Missing Authentication Token on the REST API). /{proxy+} needs at least one
// path segment, hence / as well.
var APIPaths = []string{"/", "/{proxy+}"}

// ALBPathPatterns are the listener rule's path patterns (an ALB rule takes
// at most five values).
var ALBPathPatterns = []string{healthhttp.RouteHealth, healthhttp.RouteHealth + "/*", healthhttp.AliasLivez, healthhttp.AliasHealthz, healthhttp.AliasReadyz}

const description = "lambdahealth: liveness, readiness and comprehensive health endpoints and a scheduled canary (CDK form of template.yaml)"

// NewHealth builds the whole product into scope, under a construct named
// id: HealthFunction behind an HTTP API (and, as props ask, a REST API, a
// Function URL and an ALB target group), CanaryFunction on an EventBridge
// schedule, their log groups and roles, the alarms on the canary's metrics,
// the deployment gate, the dashboard, and (as props ask) a Route 53 health
// check. Checks may be built from the stack's own constructs (TableCheck,
// QueueCheck, ...): the checks' JSON carries their tokens, and both
// functions are granted the kinds' permissions on their ARNs. One Health per
// stack: the log groups and the dashboard are named after the stack. A nil
// props means every default. Invalid props panic with every problem named,
// as CDK constructs do; call Validate first to get them as an error.
func NewHealth(scope constructs.Construct, id string, props *HealthProps) *Health {
	var in HealthProps
	if props != nil {
		in = *props
	}
	if err := in.Validate(); err != nil {
		panic(err)
	}
	p := in.withDefaults()
	b := &builder{stack: constructs.NewConstruct(scope, jsii.String(id)), p: p}

	health := b.healthFunction()
	// Every front door invokes the alias, which CodeDeploy shifts.
	live := b.liveAlias(health)
	b.httpAPI(live)
	if p.RestAPI {
		b.restAPI(live)
	}
	if p.FunctionURLAuthType != FunctionURLNone {
		url := live.AddFunctionUrl(&awslambda.FunctionUrlOptions{AuthType: awslambda.FunctionUrlAuthType(p.FunctionURLAuthType)})
		skipChecks(url, skipFunctionURL)
		b.output("FunctionUrl", "Function URL of HealthFunction.", url.Url())
	}
	if p.ALBListenerARN != "" {
		b.targetGroup(live)
	}
	canary := b.canaryFunction()
	alarms := b.alarms(canary)
	b.deployment(health, live, alarms)
	b.dashboard(health, canary)
	b.route53HealthCheck()

	b.output("HealthFunctionName", "Name of the health function.", health.FunctionName())
	b.output("CanaryFunctionName", "Name of the canary function.", canary.FunctionName())
	return &Health{Construct: b.stack, HealthFunction: health, LiveAlias: live, CanaryFunction: canary, SuccessAlarm: alarms[0]}
}

// Health is the product inside a stack, as NewHealth built it.
type Health struct {
	constructs.Construct
	// HealthFunction serves the routes; LiveAlias is the alias every front
	// door invokes, which CodeDeploy shifts to each new version.
	HealthFunction awslambda.Function
	LiveAlias      awslambda.Alias
	// CanaryFunction runs every check on the canary's schedule.
	CanaryFunction awslambda.Function
	// SuccessAlarm watches the canary's overall Success.
	SuccessAlarm awscloudwatch.CfnAlarm
}

// HealthConstructID is the id of the Health that NewHealthStack holds.
// CDK leaves an id "Default" out of logical IDs, so the stack's resources
// keep the logical IDs they had before the construct existed.
const HealthConstructID = "Default"

// NewHealthStack is a Stack that holds one Health (NewHealth), with props'
// HealthProps: the CDK form of template.yaml, which the CLI app
// (infra/main.go) synthesizes. A nil props means every default.
func NewHealthStack(scope constructs.Construct, id string, props *HealthStackProps) awscdk.Stack {
	var in HealthStackProps
	if props != nil {
		in = *props
	}
	sp := in.StackProps
	if sp.Description == nil {
		sp.Description = jsii.String(description)
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &sp)
	NewHealth(stack, HealthConstructID, &in.HealthProps)
	return stack
}

type builder struct {
	// stack is the Health construct: the scope of every resource.
	stack constructs.Construct
	p     HealthProps
	// checkGrants is checkGrantsPolicies' policy, made once.
	checkGrants awsiam.ManagedPolicy
}

func (b *builder) output(id, desc string, value *string) {
	awscdk.NewCfnOutput(b.stack, jsii.String(id), &awscdk.CfnOutputProps{Description: jsii.String(desc), Value: value})
}

// arn returns "arn:<partition>" + rest.
func arn(rest string) string { return "arn:" + *awscdk.Aws_PARTITION() + rest }

func allow(actions []string, resources ...string) awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Effect:    awsiam.Effect_ALLOW,
		Actions:   jsii.Strings(actions...),
		Resources: jsii.Strings(resources...),
	})
}

// environment is both functions' environment, the drain parameter included
// (the canary reads its value maintenance); the health function also gets
// the token secret.
func (b *builder) environment(health bool) *map[string]*string {
	p := b.p
	checks, err := ChecksJSON(p.Checks)
	if err != nil {
		panic(err)
	}
	env := map[string]*string{
		"GOGC":                     jsii.String(GOGC),
		config.EnvService:          jsii.String(p.Service),
		config.EnvBudget:           jsii.String(p.Budget.String()),
		config.EnvCacheTTL:         jsii.String(p.CacheTTL.String()),
		config.EnvDetails:          jsii.String(string(p.Details)),
		config.EnvMetricsNamespace: jsii.String(p.MetricsNamespace),
		config.EnvMetrics:          jsii.String(string(p.Metrics)),
	}
	set := func(k, v string) {
		if v != "" {
			env[k] = jsii.String(v)
		}
	}
	switch {
	case p.ChecksParameter != "":
		env[config.EnvChecksParameter] = jsii.String(p.ChecksParameter)
	case p.ChecksFile:
		env[config.EnvChecksFile] = jsii.String(ChecksFileName)
	default:
		env[config.EnvChecks] = jsii.String(checks)
	}
	set(config.EnvEnvironment, p.Environment)
	set(config.EnvVersion, p.Version)
	set(config.EnvDrainParameter, p.DrainParameter)
	windows, err := maintenance.Format(p.MaintenanceWindows)
	if err != nil {
		panic(err)
	}
	set(config.EnvMaintenance, windows)
	if health {
		set(config.EnvTokenSecretARN, p.TokenSecretARN)
	}
	return &env
}

// checkGrantsPolicies is the managed policy of the grants both functions
// need to run the checks (template.yaml's CheckGrantsPolicy), made once, or
// none when they need none.
func (b *builder) checkGrantsPolicies() []awsiam.IManagedPolicy {
	if b.checkGrants == nil {
		statements := b.dependencyStatements()
		if len(statements) == 0 {
			return nil
		}
		b.checkGrants = awsiam.NewManagedPolicy(b.stack, jsii.String("CheckGrantsPolicy"), &awsiam.ManagedPolicyProps{
			Description: jsii.String("lambdahealth checks' grants (HealthFunction and CanaryFunction)"),
			Statements:  &statements,
		})
	}
	return []awsiam.IManagedPolicy{b.checkGrants}
}

// dependencyStatements are the grants both functions need to run the
// checks (Grants).
func (b *builder) dependencyStatements() []awsiam.PolicyStatement {
	var s []awsiam.PolicyStatement
	for _, g := range b.p.Grants() {
		resources := make([]string, len(g.Resources))
		for i, r := range g.Resources {
			resources[i] = r
			if strings.Contains(r, "${AWS::") {
				resources[i] = *awscdk.Fn_Sub(jsii.String(r), nil)
			}
		}
		s = append(s, allow(g.Actions, resources...))
	}
	if b.p.ChecksParameter != "" {
		s = append(s, allow([]string{actionGetParameter}, parameterARN(b.p.ChecksParameter)))
	}
	// Readiness reads "drain", the canary "maintenance": that one parameter.
	if b.p.DrainParameter != "" {
		s = append(s, allow([]string{actionGetParameter}, parameterARN(b.p.DrainParameter)))
	}
	return s
}

// bundle returns the directory of function's asset: AssetDir/<function>/arm64
// (or, with LeanBootstraps, the health and canary bootstraps built for the
// kinds of Checks and the controls env uses), or with ChecksFile a copy of
// its files in <that directory>-checks with the checks' JSON array added as
// ChecksFileName.
func (b *builder) bundle(function string, env *map[string]*string) string {
	dir := filepath.Join(b.p.AssetDir, assetOf(function), "arm64")
	if b.p.LeanBootstraps && (function == "health" || function == "canary") {
		dir = b.leanBundle(function, env)
	}
	if !b.p.ChecksFile {
		return dir
	}
	checks, err := ChecksJSON(b.p.Checks)
	if err != nil {
		panic(err)
	}
	staged := dir + "-checks"
	if err := stage(dir, staged, ChecksFileName, checks); err != nil {
		panic(fmt.Errorf("ChecksFile: %w", err))
	}
	return staged
}

// leanBundle builds function's bootstrap with only the kinds of Checks
// (tcp, the smallest, when there are none) and the controls env sets, and
// for the health function the status page's history.
func (b *builder) leanBundle(function string, env *map[string]*string) string {
	checks, err := ChecksJSON(b.p.Checks)
	if err != nil {
		panic(err)
	}
	kinds, err := kindsOf(checks)
	if err != nil {
		panic(fmt.Errorf("HealthProps.Checks: %w", err))
	}
	if len(kinds) == 0 {
		kinds = []string{"tcp"}
	}
	var vars map[string]*string
	if env != nil {
		vars = *env
	}
	ctls := controlsOf(vars)
	if function == "health" {
		ctls = append(ctls, historyControl)
	}
	dir, err := leanBootstrap(b.p.BuildRoot, b.p.AssetDir, function, kinds, ctls)
	if err != nil {
		panic(fmt.Errorf("HealthProps.LeanBootstraps: %w", err))
	}
	return dir
}

// stage makes dst a fresh copy of the regular files in src, plus file name
// holding content.
func stage(src, dst, name, content string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || e.Name() == name {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, info.Mode().Perm()); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dst, name), []byte(content), 0o644)
}

// parameterARN is the ARN of the SSM parameter named name ("/a/b" or "name").
func parameterARN(name string) string {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	return arn(":ssm:" + *awscdk.Aws_REGION() + ":" + *awscdk.Aws_ACCOUNT_ID() + ":parameter" + name)
}

func (b *builder) logGroup(id, function string) awslogs.LogGroup {
	lg := awslogs.NewLogGroup(b.stack, jsii.String(id), &awslogs.LogGroupProps{
		LogGroupName:  awscdk.Fn_Sub(jsii.String("/aws/lambda/${AWS::StackName}/"+function), nil),
		Retention:     b.p.LogRetention,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	skipChecks(lg, skipLogGroupKMS)
	return lg
}

// role is a function's execution role: its own log group, then statements,
// inline; in a VPC also AWSLambdaENIManagementAccess (only the ENI actions),
// and the managed policies given.
func (b *builder) role(id, function string, logGroup awslogs.LogGroup, statements []awsiam.PolicyStatement, managed ...awsiam.IManagedPolicy) awsiam.Role {
	all := append([]awsiam.PolicyStatement{
		allow([]string{actionCreateLogStream, actionPutLogEvents}, *logGroup.LogGroupArn()),
	}, statements...)
	role := awsiam.NewRole(b.stack, jsii.String(id), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String(fmt.Sprintf("lambdahealth %s execution role", strings.TrimSuffix(id, "Role"))),
		InlinePolicies: &map[string]awsiam.PolicyDocument{
			function: awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &all}),
		},
	})
	if len(b.p.SubnetIDs) > 0 {
		role.AddManagedPolicy(awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("service-role/AWSLambdaENIManagementAccess")))
	}
	for _, m := range managed {
		role.AddManagedPolicy(m)
	}
	return role
}

func (b *builder) function(id, function, desc string, timeout float64, role awsiam.Role, logGroup awslogs.LogGroup, env *map[string]*string, extra func(*awslambda.FunctionProps)) awslambda.Function {
	props := awslambda.FunctionProps{
		Description:  jsii.String(desc),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(b.bundle(function, env)), nil),
		MemorySize:   jsii.Number(MemoryMB),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(timeout)),
		Role:         role,
		LogGroup:     logGroup,
		Environment:  env,
	}
	if extra != nil {
		extra(&props)
	}
	fn := awslambda.NewFunction(b.stack, jsii.String(id), &props)
	awscdk.Tags_Of(fn).Add(jsii.String(FunctionTagKey), jsii.String(function), nil)
	cfn := fn.Node().DefaultChild().(awslambda.CfnFunction)
	// The role (its policies inline) is already a dependency through Role's
	// GetAtt; the explicit DependsOn CDK adds is what cfn-lint's W3005 flags.
	cfn.AddDeletionOverride(jsii.String("DependsOn"))
	secureFunction(cfn, function, b.p.Limits)
	if len(b.p.SubnetIDs) > 0 {
		// Subnet and security group IDs without an IVpc, so synth needs no lookup.
		cfn.SetVpcConfig(&awslambda.CfnFunction_VpcConfigProperty{
			SubnetIds:        jsii.Strings(b.p.SubnetIDs...),
			SecurityGroupIds: jsii.Strings(b.p.SecurityGroupIDs...),
		})
	}
	return fn
}

func (b *builder) healthFunction() awslambda.Function {
	p := b.p
	logGroup := b.logGroup("HealthLogGroup", "health")
	var statements []awsiam.PolicyStatement
	if p.TokenSecretARN != "" {
		statements = append(statements, allow([]string{sm.ActionGetSecretValue}, p.TokenSecretARN))
	}
	// The status page's uptime history. GetMetricData has no resource-level
	// permissions and no condition keys: "*" is the only resource it takes.
	statements = append(statements, allow([]string{metrics.ActionGetMetricData}, "*"))
	role := b.role("HealthFunctionRole", "health", logGroup, statements, b.checkGrantsPolicies()...)
	return b.function("HealthFunction", "health",
		"lambdahealth health endpoints (live, ready, comprehensive, one check)",
		HealthTimeoutSeconds, role, logGroup, b.environment(true), nil)
}

func (b *builder) canaryFunction() awslambda.Function {
	p := b.p
	logGroup := b.logGroup("CanaryLogGroup", "canary")
	var statements []awsiam.PolicyStatement
	if p.Metrics != MetricsEMF {
		// PutMetricData has no resource-level permissions: "*" narrowed to the namespace.
		statements = append(statements, awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Effect:    awsiam.Effect_ALLOW,
			Actions:   jsii.Strings(actionPutMetricData),
			Resources: jsii.Strings("*"),
			Conditions: &map[string]any{
				"StringEquals": map[string]any{"cloudwatch:namespace": p.MetricsNamespace},
			},
		}))
	}
	role := b.role("CanaryFunctionRole", "canary", logGroup, statements, b.checkGrantsPolicies()...)
	fn := b.function("CanaryFunction", "canary",
		"lambdahealth canary (every check, on a schedule, as CloudWatch metrics)",
		CanaryTimeoutSeconds, role, logGroup, b.environment(false), func(fp *awslambda.FunctionProps) {
			// A failed run is not worth repeating a minute late: the next one is due.
			fp.RetryAttempts = jsii.Number(0)
			fp.MaxEventAge = awscdk.Duration_Seconds(jsii.Number(60))
		})
	awsevents.NewRule(b.stack, jsii.String("CanarySchedule"), &awsevents.RuleProps{
		Description: jsii.String("lambdahealth canary schedule"),
		Schedule:    awsevents.Schedule_Expression(jsii.String(p.CanarySchedule)),
		Targets:     &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fn, nil)},
	})
	return fn
}

func (b *builder) httpAPI(fn awslambda.IFunction) {
	api := awsapigatewayv2.NewHttpApi(b.stack, jsii.String("HealthHttpApi"), &awsapigatewayv2.HttpApiProps{
		Description: jsii.String("lambdahealth health routes (payload format 2.0)"),
	})
	// One invoke permission for the whole API (execute-api .../*/*/*), as SAM
	// writes for these routes: both are catch-alls, so a per-route permission
	// would scope nothing.
	integration := awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("HealthIntegration"), fn,
		&awsapigatewayv2integrations.HttpLambdaIntegrationProps{
			PayloadFormatVersion:   awsapigatewayv2.PayloadFormatVersion_VERSION_2_0(),
			ScopePermissionToRoute: jsii.Bool(false),
		})
	secureHTTPAPI(b.stack, api, b.p)
	for _, path := range APIPaths {
		api.AddRoutes(&awsapigatewayv2.AddRoutesOptions{
			Path:        jsii.String(path),
			Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod_ANY},
			Integration: integration,
		})
	}
	b.output("HttpApiUrl", "Base URL of the HTTP API (append /health/live, /health/ready, /health ...).",
		awscdk.Fn_Sub(jsii.String("https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"), &map[string]*string{"Api": api.ApiId()}))
}

// restAPI is the same routes (APIPaths, every method) as an OpenAPI body
// with Lambda proxy integrations, as template.yaml writes it.
func (b *builder) restAPI(fn awslambda.IFunction) {
	uri := awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Arn}/invocations"),
		&map[string]*string{"Arn": fn.FunctionArn()})
	integration := map[string]any{"type": "aws_proxy", "httpMethod": "POST", "uri": uri}
	paths := map[string]any{}
	for _, path := range APIPaths {
		item := map[string]any{
			"x-amazon-apigateway-any-method": map[string]any{"x-amazon-apigateway-integration": integration},
		}
		if strings.Contains(path, "{proxy+}") {
			item["parameters"] = []any{map[string]any{"name": "proxy", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}}
		}
		paths[path] = item
	}
	api := awsapigateway.NewSpecRestApi(b.stack, jsii.String("HealthRestApi"), &awsapigateway.SpecRestApiProps{
		Description: jsii.String("lambdahealth health routes (REST API, Lambda proxy integration)"),
		ApiDefinition: awsapigateway.ApiDefinition_FromInline(map[string]any{
			"openapi": "3.0.1",
			"info":    map[string]any{"title": awscdk.Fn_Sub(jsii.String("${AWS::StackName}-health"), nil), "version": "1.0"},
			"paths":   paths,
		}),
		DeployOptions:  &awsapigateway.StageOptions{StageName: jsii.String("v1")},
		EndpointTypes:  &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL},
		CloudWatchRole: jsii.Bool(false),
	})
	// RestApi adds an Endpoint output of its own; RestApiUrl below is the one
	// both forms of the stack have.
	api.Node().TryRemoveChild(jsii.String("Endpoint"))
	secureRESTAPI(b.stack, api, b.p)
	awslambda.NewCfnPermission(b.stack, jsii.String("HealthRestApiPermission"), &awslambda.CfnPermissionProps{
		FunctionName: fn.FunctionArn(),
		Action:       jsii.String(actionInvokeFunction),
		Principal:    jsii.String("apigateway.amazonaws.com"),
		SourceArn: awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*"),
			&map[string]*string{"Api": api.RestApiId()}),
	})
	b.output("RestApiUrl", "Base URL of the REST API stage.",
		awscdk.Fn_Sub(jsii.String("https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/v1/"), &map[string]*string{"Api": api.RestApiId()}))
}

// targetGroup registers the function as a Lambda target whose health check
// is readiness, behind a rule on the given listener. The invoke grant cannot
// name the target group (that would be a cycle), so it is scoped to this
// account's target groups.
func (b *builder) targetGroup(fn awslambda.IFunction) {
	p := b.p
	permission := awslambda.NewCfnPermission(b.stack, jsii.String("HealthAlbPermission"), &awslambda.CfnPermissionProps{
		FunctionName:  fn.FunctionArn(),
		Action:        jsii.String(actionInvokeFunction),
		Principal:     jsii.String("elasticloadbalancing.amazonaws.com"),
		SourceAccount: awscdk.Aws_ACCOUNT_ID(),
		SourceArn:     awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:targetgroup/*"), nil),
	})
	tg := awselasticloadbalancingv2.NewCfnTargetGroup(b.stack, jsii.String("HealthTargetGroup"), &awselasticloadbalancingv2.CfnTargetGroupProps{
		TargetType:                 jsii.String("lambda"),
		Targets:                    &[]any{&awselasticloadbalancingv2.CfnTargetGroup_TargetDescriptionProperty{Id: fn.FunctionArn()}},
		HealthCheckEnabled:         jsii.Bool(true),
		HealthCheckPath:            jsii.String(healthhttp.RouteReady),
		HealthCheckIntervalSeconds: jsii.Number(35),
		HealthCheckTimeoutSeconds:  jsii.Number(30),
		HealthyThresholdCount:      jsii.Number(2),
		UnhealthyThresholdCount:    jsii.Number(2),
		Matcher:                    &awselasticloadbalancingv2.CfnTargetGroup_MatcherProperty{HttpCode: jsii.String("200")},
	})
	tg.AddDependency(permission)
	awselasticloadbalancingv2.NewCfnListenerRule(b.stack, jsii.String("HealthListenerRule"), &awselasticloadbalancingv2.CfnListenerRuleProps{
		ListenerArn: jsii.String(p.ALBListenerARN),
		Priority:    jsii.Number(float64(p.ALBRulePriority)),
		Conditions: &[]any{&awselasticloadbalancingv2.CfnListenerRule_RuleConditionProperty{
			Field:             jsii.String("path-pattern"),
			PathPatternConfig: &awselasticloadbalancingv2.CfnListenerRule_PathPatternConfigProperty{Values: jsii.Strings(ALBPathPatterns...)},
		}},
		Actions: &[]any{&awselasticloadbalancingv2.CfnListenerRule_ActionProperty{
			Type:           jsii.String("forward"),
			TargetGroupArn: tg.Ref(),
		}},
	})
	b.output("TargetGroupArn", "ALB target group of HealthFunction (health check on /health/ready).", tg.Ref())
}

// alarmTopic returns the ARN the alarms notify, or nil: the given topic, or
// one created for AlarmEmail; AlarmEmail is subscribed to either.
func (b *builder) alarmTopic() *string {
	p := b.p
	var topicARN *string
	switch {
	case p.AlarmTopicARN != "":
		topicARN = jsii.String(p.AlarmTopicARN)
	case p.AlarmEmail != "":
		topic := awssns.NewTopic(b.stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
			DisplayName: jsii.String(p.Service + " health alarms"),
		})
		encryptAlarmTopic(b.stack, topic, p.Service)
		topicARN = topic.TopicArn()
	default:
		return nil
	}
	if p.AlarmEmail != "" {
		awssns.NewCfnSubscription(b.stack, jsii.String("AlarmEmailSubscription"), &awssns.CfnSubscriptionProps{
			Protocol: jsii.String("email"),
			Endpoint: jsii.String(p.AlarmEmail),
			TopicArn: topicARN,
		})
	}
	b.output("AlarmTopicArn", "SNS topic the alarms notify.", topicARN)
	return topicARN
}

// EnvironmentDimension is the Environment dimension value the canary
// publishes for env (metrics.DefaultEnvironment when empty).
func EnvironmentDimension(env string) string {
	if env == "" {
		return metrics.DefaultEnvironment
	}
	return env
}

func dimension(name string, value *string) *awscloudwatch.CfnAlarm_DimensionProperty {
	return &awscloudwatch.CfnAlarm_DimensionProperty{Name: jsii.String(name), Value: value}
}

// alarms: the overall Success, each critical check's Success (every check
// in Checks unless it says critical: false), the canary's own invocation
// errors, InMaintenance, and (HasSLO) the SLO's burn rates. None of them
// notifies: with an alarm topic, one composite alarm on all but
// InMaintenance does, suppressed while InMaintenance is in ALARM. It
// returns the service's alarms (Success, then each check's): the
// deployment's rollback alarms.
func (b *builder) alarms(canary awslambda.Function) []awscloudwatch.CfnAlarm {
	p := b.p
	// Validate has refused a schedule without an interval.
	period, _ := SuccessAlarmPeriod(p.CanarySchedule)
	errorsPeriod, _ := ErrorsAlarmPeriod(p.CanarySchedule)
	success := func(id, desc, check string) awscloudwatch.CfnAlarm {
		dims := b.serviceDimensions()
		if check != "" {
			dims = append(dims, dimension(metrics.DimCheck, jsii.String(check)))
		}
		return awscloudwatch.NewCfnAlarm(b.stack, jsii.String(id), &awscloudwatch.CfnAlarmProps{
			AlarmDescription:   jsii.String(desc),
			Namespace:          jsii.String(p.MetricsNamespace),
			MetricName:         jsii.String(metrics.MetricSuccess),
			Dimensions:         &dims,
			Statistic:          jsii.String("Minimum"),
			Period:             jsii.Number(period.Seconds()),
			EvaluationPeriods:  jsii.Number(AlarmEvaluationPeriods),
			DatapointsToAlarm:  jsii.Number(AlarmDatapoints),
			Threshold:          jsii.Number(1),
			ComparisonOperator: jsii.String("LessThanThreshold"),
			TreatMissingData:   jsii.String("breaching"),
		})
	}
	overall := success("SuccessAlarm", p.Service+" is unhealthy: the canary's Success was below 1 (a critical check failed) "+
		"or missing in 3 of the last 5 canary runs. See docs/DEPLOY.md, \"Alarms\".", "")
	b.output("SuccessAlarmName", "Alarm on the canary's overall Success.", overall.Ref())
	service := []awscloudwatch.CfnAlarm{overall}
	// One alarm per critical check, derived from the checks themselves.
	for i, name := range p.CriticalCheckNames() {
		id := fmt.Sprintf("CheckAlarm%d", i+1)
		alarm := success(id, fmt.Sprintf("%s critical check %s failed (or was not reported) in 3 of the last 5 canary runs.", p.Service, name), name)
		b.output(id+"Name", fmt.Sprintf("Alarm on critical check %s.", name), alarm.Ref())
		service = append(service, alarm)
	}
	errorsAlarm := awscloudwatch.NewCfnAlarm(b.stack, jsii.String("CanaryErrorsAlarm"), &awscloudwatch.CfnAlarmProps{
		AlarmDescription:   jsii.String(p.Service + " canary invocations failed (AWS/Lambda Errors >= 1 in one period)."),
		Namespace:          jsii.String("AWS/Lambda"),
		MetricName:         jsii.String("Errors"),
		Dimensions:         &[]any{dimension("FunctionName", canary.FunctionName())},
		Statistic:          jsii.String("Sum"),
		Period:             jsii.Number(errorsPeriod.Seconds()),
		EvaluationPeriods:  jsii.Number(1),
		DatapointsToAlarm:  jsii.Number(1),
		Threshold:          jsii.Number(1),
		ComparisonOperator: jsii.String("GreaterThanOrEqualToThreshold"),
		TreatMissingData:   jsii.String("notBreaching"),
	})
	b.output("CanaryErrorsAlarmName", "Alarm on the canary's invocation errors.", errorsAlarm.Ref())
	suppressor := b.inMaintenanceAlarm(period)
	notify := append(append([]awscloudwatch.CfnAlarm{}, service...), errorsAlarm)
	var burns []awscloudwatch.CfnAlarm
	if HasSLO(p.CanarySchedule) {
		burns = b.slo(period)
	}
	if topic := b.alarmTopic(); topic != nil {
		b.notifyingAlarm(topic, notify, burns, suppressor, period)
	}
	return service
}
