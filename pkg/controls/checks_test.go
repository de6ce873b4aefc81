//go:build !kinds

package controls

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
)

func TestParameterValue(t *testing.T) {
	const secretARN = "arn:aws:ssm:us-east-1:123456789012:parameter/orders/checks"
	tests := []struct {
		name, want, wantErr string
		api                 fakeSSM
	}{
		{"value", `[{"name":"a"}]`, "", fakeSSM{getParameter: func(_ context.Context, in *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
			if !aws.ToBool(in.WithDecryption) {
				t.Error("GetParameter without WithDecryption: a SecureString would come back encrypted")
			}
			return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Value: aws.String(`[{"name":"a"}]`)}}, nil
		}}},
		{"missing", "", "not found", fakeSSM{getParameter: func(context.Context, *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
			return nil, &ssmtypes.ParameterNotFound{Message: aws.String(secretARN)}
		}}},
		{"denied", "", "access denied", fakeSSM{getParameter: func(context.Context, *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
			return nil, &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized on " + secretARN}
		}}},
		{"hung", "", "timeout after 5s", fakeSSM{getParameter: func(ctx context.Context, _ *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
			return nil, context.DeadlineExceeded
		}}},
		{"no value", "", "no value", fakeSSM{getParameter: func(context.Context, *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
			return &ssm.GetParameterOutput{}, nil
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParameterValue(tt.api)(context.Background(), "/orders/checks")
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("error = %v; want %q", err, tt.wantErr)
				}
				if err != nil && strings.Contains(err.Error(), "arn:") {
					t.Errorf("error %q carries the ARN", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParameterValue = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
