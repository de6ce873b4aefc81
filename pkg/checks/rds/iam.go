package rds

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/rds/auth"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// TokenSigner builds an RDS IAM authentication token for user at endpoint
// (host:port) in region. AWSTokenSigner returns the real one.
type TokenSigner func(ctx context.Context, endpoint, region, user string) (string, error)

// AWSTokenSigner returns a TokenSigner that signs tokens locally with creds
// (auth.BuildAuthToken); a token is valid for 15 minutes, for logging in.
func AWSTokenSigner(creds aws.CredentialsProvider) TokenSigner {
	return func(ctx context.Context, endpoint, region, user string) (string, error) {
		return auth.BuildAuthToken(ctx, endpoint, region, user, creds)
	}
}

// WithIAMAuth makes every new connection log in with a fresh IAM token,
// signed by sign for the configured host, port and user in region. It
// requires TLS: New fails when the TLS mode is "disable". Default: no IAM
// authentication.
func WithIAMAuth(region string, sign TokenSigner) Option {
	return func(o *options) {
		o.iamRegion = region
		o.iamSigner = sign
	}
}

// Credentials returns the CredentialsFunc of new connections to host:port
// as user, or nil when the configured password is used as it is.
func (l Login) Credentials(engine Engine, host string, port int, user string) CredentialsFunc {
	o := l.o
	if o.iamSigner == nil {
		return o.credentials
	}
	if port == 0 {
		port = DefaultPort(engine)
	}
	sign, region, ep := o.iamSigner, o.iamRegion, endpoint(host, port)
	return func(ctx context.Context) (Credentials, error) {
		if region == "" {
			return Credentials{}, health.WithClass("credentials unavailable", errors.New("iam token: no AWS region"))
		}
		token, err := sign(ctx, ep, region, user)
		if err != nil {
			return Credentials{}, fmt.Errorf("iam token: %w", err)
		}
		return Credentials{User: user, Password: token}, nil
	}
}
