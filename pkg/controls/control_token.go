//go:build !kinds || control_token

package controls

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func init() {
	tokenFrom = func(ctx context.Context, cfg aws.Config, secretARN string) (string, error) {
		return Token(ctx, secretsmanager.NewFromConfig(cfg), secretARN)
	}
}

// ErrEmptySecret is returned for a token secret with no string value; its
// class is its text.
var ErrEmptySecret = health.WithClass("secret has no string value", errors.New("empty secret"))

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
