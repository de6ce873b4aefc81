package healthstack

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodedeploy"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawscloudwatch"
	"github.com/aws/jsii-runtime-go"

	"github.com/lambdahealth/lambdahealth/pkg/gate"
)

// Deployment of the health function through CodeDeploy: every version is
// published behind AliasName, and the gate functions are its hooks.
const (
	// AliasName is the alias every front door of the health function
	// invokes, and CodeDeploy shifts.
	AliasName = "live"
	// GateTimeoutSeconds is the gate functions' timeout: the hook's
	// deadline (its retries end before it, with time to report).
	GateTimeoutSeconds = 90
	// DefaultDeploymentType is the traffic shift (DeploymentType).
	DefaultDeploymentType = "AllAtOnce"
)

// DeploymentTypes are the CodeDeploy Lambda deployment configurations the
// stack takes (CodeDeployDefault.Lambda<type>), as SAM names them.
var DeploymentTypes = []string{
	"AllAtOnce",
	"Canary10Percent5Minutes", "Canary10Percent10Minutes", "Canary10Percent15Minutes", "Canary10Percent30Minutes",
	"Linear10PercentEvery1Minute", "Linear10PercentEvery2Minutes", "Linear10PercentEvery3Minutes", "Linear10PercentEvery10Minutes",
}

// The gate functions: one per hook, from the same bootstrap (functions/gate).
var gateHooks = []struct{ id, function, hook, desc string }{
	{"GatePreTraffic", "gate-pretraffic", gate.BeforeAllowTraffic, "lambdahealth deployment gate (BeforeAllowTraffic: the new version's readiness)"},
	{"GatePostTraffic", "gate-posttraffic", gate.AfterAllowTraffic, "lambdahealth deployment gate (AfterAllowTraffic: readiness through the alias, and the alarms)"},
}

// assetOf is the directory under AssetDir of function's bootstrap: the gate
// functions (gate-pretraffic, gate-posttraffic) share functions/gate's.
func assetOf(function string) string {
	if name, _, ok := strings.Cut(function, "-"); ok && name == "gate" {
		return name
	}
	return function
}

// liveAlias publishes the health function's current version behind AliasName.
func (b *builder) liveAlias(fn awslambda.Function) awslambda.Alias {
	return awslambda.NewAlias(b.stack, jsii.String("HealthFunctionAlias"), &awslambda.AliasProps{
		AliasName: jsii.String(AliasName),
		Version:   fn.CurrentVersion(),
	})
}

// deployment makes CodeDeploy shift the alias to each new version, with the
// gate functions as its PreTraffic and PostTraffic hooks and the service's
// alarm (alarms[0]) as rollback alarm; the AfterAllowTraffic gate reads
// every alarm of alarms (the service's, then each critical check's).
func (b *builder) deployment(health awslambda.Function, alias awslambda.Alias, alarms []awscloudwatch.CfnAlarm) {
	p := b.p
	names := make([]*string, len(alarms))
	var arns []string
	for i, a := range alarms {
		names[i] = a.Ref()
		arns = append(arns, *a.AttrArn())
	}
	// Rolling back on the service's alarm (alarms[0]) covers every critical
	// check's: it fires on the same runs.
	refs := []interfacesawscloudwatch.IAlarmRef{awscloudwatch.Alarm_FromAlarmName(b.stack, jsii.String("RollbackAlarm"), alarms[0].Ref())}
	// CodeDeploy's role: the managed policy for Lambda deployments (its
	// invoke grant covers CodeDeployHook_* functions only; the hooks are
	// granted below by the deployment group).
	role := awsiam.NewRole(b.stack, jsii.String("DeploymentRole"), &awsiam.RoleProps{
		AssumedBy:       awsiam.NewServicePrincipal(jsii.String("codedeploy.amazonaws.com"), nil),
		Description:     jsii.String("lambdahealth CodeDeploy role for the health function's deployments"),
		ManagedPolicies: &[]awsiam.IManagedPolicy{awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("service-role/AWSCodeDeployRoleForLambdaLimited"))},
	})
	app := awscodedeploy.NewLambdaApplication(b.stack, jsii.String("DeploymentApplication"), nil)
	group := awscodedeploy.NewLambdaDeploymentGroup(b.stack, jsii.String("HealthDeploymentGroup"), &awscodedeploy.LambdaDeploymentGroupProps{
		Application: app,
		Alias:       alias,
		DeploymentConfig: awscodedeploy.LambdaDeploymentConfig_FromLambdaDeploymentConfigName(b.stack, jsii.String("DeploymentConfig"),
			jsii.String("CodeDeployDefault.Lambda"+p.DeploymentType)),
		Alarms:       &refs,
		AutoRollback: &awscodedeploy.AutoRollbackConfig{FailedDeployment: jsii.Bool(true), StoppedDeployment: jsii.Bool(true), DeploymentInAlarm: jsii.Bool(true)},
		Role:         role,
	})
	b.output("DeploymentConfigName", "How CodeDeploy shifts the health function's alias to a new version.",
		jsii.String("CodeDeployDefault.Lambda"+p.DeploymentType))
	groupARN := *group.DeploymentGroupArn()
	for _, g := range gateHooks {
		statements := []awsiam.PolicyStatement{
			// PutLifecycleEventHookExecutionStatus is granted by the group (PreHook, PostHook).
			allow([]string{gate.ActionGetDeployment}, groupARN),
			allow([]string{gate.ActionInvokeFunction}, *health.FunctionArn()+":*"),
		}
		env := b.environment(false)
		(*env)[gate.EnvHook] = jsii.String(g.hook)
		if g.hook == gate.AfterAllowTraffic {
			statements = append(statements, allow([]string{gate.ActionDescribeAlarms}, arns...))
			(*env)[gate.EnvAlarms] = awscdk.Fn_Join(jsii.String(","), &names)
			if err := gateAlarmsProblem(*env, awscdk.Stack_Of(b.stack), alarms); err != nil {
				panic(err)
			}
		}
		logGroup := b.logGroup(g.id+"LogGroup", g.function)
		fnRole := b.role(g.id+"FunctionRole", g.function, logGroup, statements)
		fn := b.function(g.id+"Function", g.function, g.desc, GateTimeoutSeconds, fnRole, logGroup, env, nil)
		if g.hook == gate.BeforeAllowTraffic {
			group.AddPreHook(fn)
		} else {
			group.AddPostHook(fn)
		}
		b.output(strings.TrimPrefix(g.id, "Gate")+"GateFunctionName", "Name of the "+g.hook+" gate function.", fn.FunctionName())
	}
}
