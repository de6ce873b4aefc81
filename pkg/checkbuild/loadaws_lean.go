//go:build kinds

package checkbuild

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// LoadAWSConfig loads the AWS configuration of the functions from the
// environment (EnvAWSConfig): a build with KINDS links none of the SDK's
// default chain.
func LoadAWSConfig(context.Context) (aws.Config, error) {
	return EnvAWSConfig(os.Getenv)
}
