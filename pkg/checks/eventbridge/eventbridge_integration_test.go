package eventbridge_test

// Integration test against the local stack's EventBridge (LocalStack), through
// checkbuild.Build. It skips without the stack and fails under
// HEALTH_REQUIRE_INTEGRATION=1.

import (
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/buildtest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks/eventbridge"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func TestIntegration(t *testing.T) {
	testenv.SetAWSEnv(t)
	local := testenv.Need(t, "LOCAL_EVENT_BUS")["LOCAL_EVENT_BUS"]
	buildtest.RunCases(t, 2*time.Second,
		buildtest.Case{Name: "healthy", Spec: eventbridge.Spec{EventBus: local}, Status: health.StatusPass},
		buildtest.Case{Name: "missing", Spec: eventbridge.Spec{EventBus: "no-such-bus-" + testenv.RandomSuffix(t)}, Status: health.StatusFail, Output: health.ClassNotFound},
	)
}
