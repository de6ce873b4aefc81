//go:build !kinds

package controls

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

type fakeSSM struct {
	getParameter func(ctx context.Context, in *ssm.GetParameterInput) (*ssm.GetParameterOutput, error)
}

func (f fakeSSM) GetParameter(ctx context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	return f.getParameter(ctx, in)
}

func param(v string) fakeSSM {
	return fakeSSM{getParameter: func(_ context.Context, in *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
		return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Name: in.Name, Value: aws.String(v)}}, nil
	}}
}

func TestDrain(t *testing.T) {
	tests := []struct {
		name    string
		api     fakeSSM
		want    bool
		wantErr bool
	}{
		{"drain", param("drain"), true, false},
		{"drain with space and case", param(" DRAIN\n"), true, false},
		{"serve", param("serve"), false, false},
		{"empty", param(""), false, false},
		{"missing parameter", fakeSSM{getParameter: func(context.Context, *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
			return nil, &ssmtypes.ParameterNotFound{}
		}}, false, false},
		{"ssm down", fakeSSM{getParameter: func(context.Context, *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
			return nil, errors.New("connection refused")
		}}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Drain(tt.api, "/orders/drain")(context.Background())
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("Drain = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

type fakeSecrets struct{ value *string }

func (f fakeSecrets) GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	return &secretsmanager.GetSecretValueOutput{SecretString: f.value}, nil
}

func TestToken(t *testing.T) {
	tests := []struct {
		name    string
		value   *string
		want    string
		wantErr error
	}{
		{"plain", aws.String("s3cr3t\n"), "s3cr3t", nil},
		{"json", aws.String(`{"token":"s3cr3t"}`), "s3cr3t", nil},
		{"json without token", aws.String(`{"password":"s3cr3t"}`), "", ErrEmptySecret},
		{"binary secret", nil, "", ErrEmptySecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Token(context.Background(), fakeSecrets{tt.value}, "arn:aws:secretsmanager:us-east-1:1:secret:t")
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("Token = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("error %q carries the secret", err)
			}
		})
	}
}
