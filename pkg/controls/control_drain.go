//go:build !kinds || control_drain

package controls

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
)

func init() {
	switchFrom = func(cfg aws.Config, parameter string, ttl time.Duration) *Switch {
		return NewSwitch(ssm.NewFromConfig(cfg), parameter, ttl)
	}
}

// NewSwitch returns the Switch of parameter, read with api. ttl is how long
// a read value is reused by Maintenance (0: every call reads).
func NewSwitch(api GetParameterAPI, parameter string, ttl time.Duration) *Switch {
	return newSwitch(func(ctx context.Context) (string, error) { return switchValue(ctx, api, parameter) }, ttl)
}

// Drain returns a drain source for health.WithDrain: it reports true when
// the parameter's value is "drain" (case and surrounding space ignored). A
// missing parameter means "not draining", so that deleting it undoes a drain.
// NewSwitch's Drain is the same, and also serves the "maintenance" value.
func Drain(api GetParameterAPI, parameter string) func(ctx context.Context) (bool, error) {
	return NewSwitch(api, parameter, 0).Drain
}

// switchValue reads the drain parameter's value, trimmed and in lower
// case; "" when the parameter is missing.
func switchValue(ctx context.Context, api GetParameterAPI, parameter string) (string, error) {
	out, err := api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(parameter)})
	var missing *ssmtypes.ParameterNotFound
	switch {
	case errors.As(err, &missing):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("get parameter: %w", awserr.Classify(err))
	}
	if out.Parameter == nil {
		return "", nil
	}
	return strings.ToLower(strings.TrimSpace(aws.ToString(out.Parameter.Value))), nil
}
