package kinesis_test

// Integration tests against the local stack's Kinesis (moto, reached through AWS_ENDPOINT_URL_KINESIS), through
// checkbuild.Build. They skip without the stack and fail under
// HEALTH_REQUIRE_INTEGRATION=1.

import (
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/buildtest"
	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks/kinesis"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func TestIntegration(t *testing.T) {
	testenv.SetAWSServiceEnv(t, "AWS_ENDPOINT_URL_KINESIS")
	local := testenv.Need(t, "LOCAL_STREAM")["LOCAL_STREAM"]
	const budget = 2 * time.Second
	tests := []struct {
		name       string
		spec       kinesis.Spec
		wantStatus health.Status
		wantOutput string
	}{
		{"healthy", kinesis.Spec{Stream: local}, health.StatusPass, ""},
		{"missing", kinesis.Spec{Stream: "no-such-stream-" + testenv.RandomSuffix(t)}, health.StatusFail, health.ClassNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := buildtest.Run(t, buildtest.Spec("dep", tt.spec), budget)
			checktest.Expect(t, o, tt.wantStatus, tt.wantOutput, budget)
		})
	}
}
