//go:build !kinds || control_checksparameter

package controls

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func init() {
	checksFrom = func(cfg aws.Config) config.ParameterReader { return ParameterValue(ssm.NewFromConfig(cfg)) }
}

// ParameterValue returns a reader of SSM parameter values (a SecureString
// decrypted) whose errors are safe classes only ("not found", "access
// denied", "timeout after 5s"): an SDK error carries ARNs and endpoints.
func ParameterValue(api GetParameterAPI) config.ParameterReader {
	return func(ctx context.Context, name string) (string, error) {
		out, err := api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
		var missing *ssmtypes.ParameterNotFound
		if errors.As(err, &missing) {
			return "", errors.New(health.ClassNotFound)
		}
		if err != nil {
			return "", errors.New(awserr.Describe(err, config.ChecksParameterTimeout))
		}
		if out.Parameter == nil {
			return "", errors.New("no value")
		}
		return aws.ToString(out.Parameter.Value), nil
	}
}
