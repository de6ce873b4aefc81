package healthstack

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"

	"github.com/lambdahealth/lambdahealth/pkg/gate"
)

// lambdaEnvironmentBytes is Lambda's limit on a function's environment:
// 4 KB for all keys and values together.
const lambdaEnvironmentBytes = 4096

// generatedNameExtra is what CloudFormation adds to the stack name and the
// logical ID when it names an alarm that names none
// ("<stack>-<logical ID>-<12 or 13 characters>"), counted generously.
const generatedNameExtra = 15

// gateAlarmsProblem checks, at synth, that the AfterAllowTraffic gate's
// environment still fits Lambda's 4 KB once GATE_ALARMS holds the names
// CloudFormation will give alarms. The gate reads any number of alarms
// (100 names a DescribeAlarms call, every page), so the environment is
// what bounds the critical checks of ChecksJson; past it the deploy would
// fail on the gate function. env is the gate's environment; its other
// values are plain strings.
func gateAlarmsProblem(env map[string]*string, stack awscdk.Stack, alarms []awscloudwatch.CfnAlarm) error {
	size := len(gate.EnvAlarms)
	for k, v := range env {
		if k != gate.EnvAlarms && v != nil {
			size += len(k) + len(*v)
		}
	}
	stackName := len(*stack.StackName())
	for i, a := range alarms {
		if i > 0 {
			size++ // the comma
		}
		size += stackName + len(*stack.GetLogicalId(a)) + generatedNameExtra
	}
	if size <= lambdaEnvironmentBytes {
		return nil
	}
	return fmt.Errorf("HealthProps.Checks (ChecksJson): %d critical checks give the AfterAllowTraffic gate %d alarm names, "+
		"and its environment (GATE_ALARMS and the rest) about %d bytes, past Lambda's %d: mark some checks \"critical\": false, "+
		"or use a shorter stack name", len(alarms)-1, len(alarms), size, lambdaEnvironmentBytes)
}
