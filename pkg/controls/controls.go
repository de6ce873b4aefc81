// Package controls reads the operator's controls of the health endpoints
// from AWS: the drain switch (an SSM parameter whose value "drain" takes an
// instance set out of rotation without a deploy, and whose value
// "maintenance" switches maintenance on) and the bearer token that unlocks
// details (a Secrets Manager secret).
package controls

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// DrainValue is the parameter value that drains.
const DrainValue = "drain"

// ErrEmptySecret is returned for a token secret with no string value; its
// class is its text.
var ErrEmptySecret = health.WithClass("secret has no string value", errors.New("empty secret"))

// GetParameterAPI is the SSM call the drain switch makes; *ssm.Client fits.
type GetParameterAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
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

// GetSecretValueAPI is the Secrets Manager call the token needs;
// *secretsmanager.Client fits.
type GetSecretValueAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Token reads the details token from a secret: its whole string value, or
// the "token" member when the value is a JSON object. Errors never carry
// the secret's value.
func Token(ctx context.Context, api GetSecretValueAPI, secretARN string) (string, error) {
	out, err := api.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretARN)})
	if err != nil {
		return "", fmt.Errorf("get secret value: %w", awserr.Classify(err))
	}
	v := strings.TrimSpace(aws.ToString(out.SecretString))
	if strings.HasPrefix(v, "{") {
		v = jsonToken(v)
	}
	if v == "" {
		return "", ErrEmptySecret
	}
	return v, nil
}

// jsonToken returns the "token" member of a JSON object secret, or "".
func jsonToken(v string) string {
	var obj struct {
		Token string `json:"token"`
	}
	if json.Unmarshal([]byte(v), &obj) != nil {
		return ""
	}
	return obj.Token
}
