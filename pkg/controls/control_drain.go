//go:build !kinds || control_drain

package controls

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
)

func init() {
	drainFrom = func(cfg aws.Config, parameter string) func(ctx context.Context) (bool, error) {
		return Drain(ssm.NewFromConfig(cfg), parameter)
	}
}

// Drain returns a drain source for health.WithDrain: it reports true when
// the parameter's value is "drain" (case and surrounding space ignored). A
// missing parameter means "not draining", so that deleting it undoes a drain.
func Drain(api GetParameterAPI, parameter string) func(ctx context.Context) (bool, error) {
	return func(ctx context.Context) (bool, error) {
		out, err := api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(parameter)})
		var missing *ssmtypes.ParameterNotFound
		switch {
		case errors.As(err, &missing):
			return false, nil
		case err != nil:
			return false, fmt.Errorf("get parameter: %w", awserr.Classify(err))
		}
		if out.Parameter == nil {
			return false, nil
		}
		return strings.EqualFold(strings.TrimSpace(aws.ToString(out.Parameter.Value)), DrainValue), nil
	}
}
