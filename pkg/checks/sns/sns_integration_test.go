package sns_test

// Integration tests against the local stack's SNS (LocalStack), through
// checkbuild.Build. They skip without the stack and fail under
// HEALTH_REQUIRE_INTEGRATION=1.

import (
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/buildtest"
	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sns"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func TestIntegration(t *testing.T) {
	testenv.SetAWSEnv(t)
	local := testenv.Need(t, "LOCAL_TOPIC_ARN")["LOCAL_TOPIC_ARN"]
	const budget = 2 * time.Second
	tests := []struct {
		name       string
		spec       sns.Spec
		wantStatus health.Status
		wantOutput string
	}{
		{"healthy", sns.Spec{TopicARN: local}, health.StatusPass, ""},
		{"missing", sns.Spec{TopicARN: "arn:aws:sns:us-east-1:000000000000:no-such-topic-" + testenv.RandomSuffix(t)}, health.StatusFail, health.ClassNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := buildtest.Run(t, buildtest.Spec("dep", tt.spec), budget)
			checktest.Expect(t, o, tt.wantStatus, tt.wantOutput, budget)
		})
	}
}
