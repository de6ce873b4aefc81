package eventbridge_test

// Integration tests against the local stack's EventBridge (LocalStack), through
// checkbuild.Build. They skip without the stack and fail under
// HEALTH_REQUIRE_INTEGRATION=1.

import (
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/buildtest"
	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks/eventbridge"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func TestIntegration(t *testing.T) {
	testenv.SetAWSEnv(t)
	local := testenv.Need(t, "LOCAL_EVENT_BUS")["LOCAL_EVENT_BUS"]
	const budget = 2 * time.Second
	tests := []struct {
		name       string
		spec       eventbridge.Spec
		wantStatus health.Status
		wantOutput string
	}{
		{"healthy", eventbridge.Spec{EventBus: local}, health.StatusPass, ""},
		{"missing", eventbridge.Spec{EventBus: "no-such-bus-" + testenv.RandomSuffix(t)}, health.StatusFail, health.ClassNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := buildtest.Run(t, buildtest.Spec("dep", tt.spec), budget)
			checktest.Expect(t, o, tt.wantStatus, tt.wantOutput, budget)
		})
	}
}
