package dynamodb_test

// Integration test against the local stack's DynamoDB (moto, reached
// through AWS_ENDPOINT_URL_DYNAMODB), through checkbuild.Build. It skips
// without the stack and fails under HEALTH_REQUIRE_INTEGRATION=1.

import (
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/buildtest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks/dynamodb"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func TestIntegration(t *testing.T) {
	testenv.SetAWSServiceEnv(t, "AWS_ENDPOINT_URL_DYNAMODB")
	table := testenv.Need(t, "LOCAL_TABLE")["LOCAL_TABLE"]
	buildtest.RunCases(t, 2*time.Second,
		buildtest.Case{Name: "active table", Spec: dynamodb.Spec{Table: table}, Status: health.StatusPass},
		buildtest.Case{Name: "write-read-delete probe", Spec: dynamodb.Spec{Table: table, ProbeKey: "health-probe"}, Status: health.StatusPass},
		buildtest.Case{Name: "missing table", Spec: dynamodb.Spec{Table: "no-such-table-" + testenv.RandomSuffix(t)},
			Status: health.StatusFail, Output: health.ClassNotFound},
	)
}
