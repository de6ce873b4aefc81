package controls

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// ReadChecks fills cfg.Checks from the SSM parameter HEALTH_CHECKS_PARAMETER
// names, when it is set, through an SSM client with the SDK's default
// configuration: once, at start-up, within config.ChecksParameterTimeout.
// It does nothing otherwise.
func ReadChecks(ctx context.Context, cfg *config.Config) error {
	if cfg.ChecksParameter == "" {
		return nil
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRetryer(checks.Retryer))
	if err != nil {
		return errors.New(checks.AWSConfigProblem)
	}
	return config.ReadChecksParameter(ctx, cfg, ParameterValue(ssm.NewFromConfig(awsCfg)))
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
			return "", errors.New(health.Classify(awserr.Classify(err), config.ChecksParameterTimeout))
		}
		if out.Parameter == nil {
			return "", errors.New("no value")
		}
		return aws.ToString(out.Parameter.Value), nil
	}
}
