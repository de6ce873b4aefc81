package secretsmanager_test

// Integration test against the local stack's SecretsManager (LocalStack), through
// checkbuild.Build. It skips without the stack and fails under
// HEALTH_REQUIRE_INTEGRATION=1.

import (
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/buildtest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks/secretsmanager"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func TestIntegration(t *testing.T) {
	testenv.SetAWSEnv(t)
	local := testenv.Need(t, "LOCAL_SECRET_ID")["LOCAL_SECRET_ID"]
	buildtest.RunCases(t, 2*time.Second,
		buildtest.Case{Name: "healthy", Spec: secretsmanager.Spec{SecretID: local}, Status: health.StatusPass},
		buildtest.Case{Name: "missing", Spec: secretsmanager.Spec{SecretID: "no-such-secret-" + testenv.RandomSuffix(t)}, Status: health.StatusFail, Output: health.ClassNotFound},
	)
}
