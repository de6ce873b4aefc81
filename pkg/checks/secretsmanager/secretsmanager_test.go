package secretsmanager

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

type fakeSM func() (*awssm.DescribeSecretOutput, error)

func (f fakeSM) DescribeSecret(context.Context, *awssm.DescribeSecretInput, ...func(*awssm.Options)) (*awssm.DescribeSecretOutput, error) {
	return f()
}

func TestProbe(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	days := func(n int) *time.Time { d := now.Add(-time.Duration(n) * 24 * time.Hour); return &d }
	secret := func(out awssm.DescribeSecretOutput) fakeSM {
		return func() (*awssm.DescribeSecretOutput, error) { return &out, nil }
	}
	rotating := func(last *time.Time) fakeSM {
		return secret(awssm.DescribeSecretOutput{RotationEnabled: aws.Bool(true), LastRotatedDate: last,
			RotationRules: &types.RotationRulesType{AutomaticallyAfterDays: aws.Int64(30)}, CreatedDate: days(400)})
	}
	failing := func(code string) fakeSM {
		return func() (*awssm.DescribeSecretOutput, error) { return nil, checktest.APIError(code) }
	}
	tests := []struct {
		name       string
		client     fakeSM
		wantStatus health.Status
		wantOutput string
	}{
		{"no rotation", secret(awssm.DescribeSecretOutput{CreatedDate: days(400)}), health.StatusPass, ""},
		{"rotated in time", rotating(days(30)), health.StatusPass, ""},
		{"rotation a day late is still fine", rotating(days(31)), health.StatusPass, ""},
		{"rotation stuck", rotating(days(32)), health.StatusWarn, "rotation stuck: last rotated 2026-10-30T12:00:00Z"},
		{"never rotated", rotating(nil), health.StatusWarn, "rotation stuck: never rotated"},
		{"scheduled for deletion", secret(awssm.DescribeSecretOutput{DeletedDate: days(1)}), health.StatusFail, "scheduled for deletion"},
		{"missing", failing("ResourceNotFoundException"), health.StatusFail, health.ClassNotFound},
		{"denied", failing("AccessDeniedException"), health.StatusFail, "access denied: secretsmanager:DescribeSecret on secret:orders/db"},
		{"throttled", failing("ThrottlingException"), health.StatusFail, health.ClassThrottled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := checktest.Must(t)(New(checks.Common{Name: "db-login"}, Spec{SecretID: "orders/db"}, tt.client, func() time.Time { return now }))
			o := checktest.Run(t, check, time.Second)
			checktest.Expect(t, o, tt.wantStatus, tt.wantOutput, time.Second)
		})
	}
	if p := (Spec{SecretID: "orders/db"}).Permissions(); p[0].Actions[0] != "secretsmanager:DescribeSecret" ||
		p[0].Resource != "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:orders/db-??????" {
		t.Errorf("Permissions() = %+v", p)
	}
}
