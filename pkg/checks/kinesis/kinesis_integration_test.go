package kinesis_test

// Integration test against the local stack's Kinesis (moto, reached through AWS_ENDPOINT_URL_KINESIS), through
// checkbuild.Build. It skips without the stack and fails under
// HEALTH_REQUIRE_INTEGRATION=1.

import (
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/buildtest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks/kinesis"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func TestIntegration(t *testing.T) {
	testenv.SetAWSServiceEnv(t, "AWS_ENDPOINT_URL_KINESIS")
	local := testenv.Need(t, "LOCAL_STREAM")["LOCAL_STREAM"]
	buildtest.RunCases(t, 2*time.Second,
		buildtest.Case{Name: "healthy", Spec: kinesis.Spec{Stream: local}, Status: health.StatusPass},
		buildtest.Case{Name: "missing", Spec: kinesis.Spec{Stream: "no-such-stream-" + testenv.RandomSuffix(t)}, Status: health.StatusFail, Output: health.ClassNotFound},
	)
}
