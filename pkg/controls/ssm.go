//go:build !kinds || control_drain || control_checksparameter

package controls

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// GetParameterAPI is the SSM call the drain switch makes; *ssm.Client fits.
type GetParameterAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}
