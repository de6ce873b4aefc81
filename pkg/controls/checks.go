package controls

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// ReadChecks fills cfg.Checks from the SSM parameter HEALTH_CHECKS_PARAMETER
// names, when it is set, through an SSM client with the checks' short
// retries: once, at start-up, within config.ChecksParameterTimeout. It does
// nothing otherwise. awsConfig is main's one loader of the AWS
// configuration (asked only when the parameter is set), so that start-up
// loads it once however many things need it.
func ReadChecks(ctx context.Context, cfg *config.Config, awsConfig func() (aws.Config, error)) error {
	if cfg.ChecksParameter == "" {
		return nil
	}
	loaded, err := awsConfig()
	if err != nil {
		return errors.New(checks.AWSConfigProblem)
	}
	return config.ReadChecksParameter(ctx, cfg, ParameterValue(ssm.NewFromConfig(awscheck.WithCheckRetries(loaded))))
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
