package healthstack

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
)

// criticalChecks returns n critical tcp checks.
func criticalChecks(n int) []Check {
	list := make([]Check, n)
	for i := range list {
		list[i] = tcpCheck(fmt.Sprintf("dep-%03d", i), "h:1")
	}
	return list
}

// 120 critical checks used to synthesize, giving the gate 121 alarm names
// that it refused at run time (at most 100) and that Lambda's 4 KB
// environment cannot hold under a stack name like orders-health-prod:
// synth refuses them, naming ChecksJson. The gate has no limit of its own
// any more, so 60 synthesize, with every name.
func TestCriticalCheckAlarmsFitTheGate(t *testing.T) {
	stack := func(n int) assertions.Template {
		props := HealthStackProps{HealthProps: HealthProps{Checks: criticalChecks(n), ChecksFile: true, AssetDir: assetDir(t)}}
		return assertions.Template_FromStack(NewHealthStack(awscdk.NewApp(nil), "orders-health-prod", &props), nil)
	}
	func() {
		defer func() {
			r := recover()
			if err, ok := r.(error); !ok || !strings.Contains(err.Error(), "HealthProps.Checks (ChecksJson): 120 critical checks") {
				t.Errorf("synth with 120 critical checks: recovered %v; want an error naming ChecksJson", r)
			}
		}()
		stack(120)
	}()
	tmpl := stack(60)
	_, fn := one(t, tmpl, "AWS::Lambda::Function", "GatePostTrafficFunction")
	alarms := fn["Properties"].(map[string]any)["Environment"].(map[string]any)["Variables"].(map[string]any)["GATE_ALARMS"]
	parts := alarms.(map[string]any)["Fn::Join"].([]any)[1].([]any)
	if len(parts) != 61 {
		t.Errorf("GATE_ALARMS joins %d names; want 61 (Success and 60 checks)", len(parts))
	}
}
