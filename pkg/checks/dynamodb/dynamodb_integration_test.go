package dynamodb_test

// Integration tests against the local stack's DynamoDB (moto, reached
// through AWS_ENDPOINT_URL_DYNAMODB), through checkbuild.Build. They skip
// without the stack and fail under HEALTH_REQUIRE_INTEGRATION=1.

import (
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/buildtest"
	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks/dynamodb"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func TestIntegration(t *testing.T) {
	testenv.SetAWSServiceEnv(t, "AWS_ENDPOINT_URL_DYNAMODB")
	table := testenv.Need(t, "LOCAL_TABLE")["LOCAL_TABLE"]
	const budget = 2 * time.Second
	tests := []struct {
		name       string
		spec       dynamodb.Spec
		wantStatus health.Status
		wantOutput string
	}{
		{"active table", dynamodb.Spec{Table: table}, health.StatusPass, ""},
		{"write-read-delete probe", dynamodb.Spec{Table: table, ProbeKey: "health-probe"}, health.StatusPass, ""},
		{"missing table", dynamodb.Spec{Table: "no-such-table-" + testenv.RandomSuffix(t)}, health.StatusFail, health.ClassNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := buildtest.Run(t, buildtest.Spec("orders", tt.spec), budget)
			checktest.Expect(t, o, tt.wantStatus, tt.wantOutput, budget)
		})
	}
}
