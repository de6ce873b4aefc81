package sns_test

// Integration test against the local stack's SNS (LocalStack), through
// checkbuild.Build. It skips without the stack and fails under
// HEALTH_REQUIRE_INTEGRATION=1.

import (
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/buildtest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sns"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func TestIntegration(t *testing.T) {
	testenv.SetAWSEnv(t)
	local := testenv.Need(t, "LOCAL_TOPIC_ARN")["LOCAL_TOPIC_ARN"]
	buildtest.RunCases(t, 2*time.Second,
		buildtest.Case{Name: "healthy", Spec: sns.Spec{TopicARN: local}, Status: health.StatusPass},
		buildtest.Case{Name: "missing", Spec: sns.Spec{TopicARN: local + "-no-such-topic"}, Status: health.StatusFail, Output: health.ClassNotFound},
	)
}
