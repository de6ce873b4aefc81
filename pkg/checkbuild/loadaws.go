//go:build !kinds

package checkbuild

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
)

// LoadAWSConfig loads the AWS configuration of the functions. The default
// build uses the SDK's default chain (environment, profiles, SSO, web
// identity, container and instance credentials); a build with KINDS reads
// the environment only (EnvAWSConfig).
func LoadAWSConfig(ctx context.Context) (aws.Config, error) {
	return awsconfig.LoadDefaultConfig(ctx)
}
