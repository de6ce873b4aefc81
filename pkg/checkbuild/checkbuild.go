// Package checkbuild turns the checks of the configuration into health
// checks: it decodes each check's JSON into its kind's typed spec (Decode,
// through the registry, which links the kinds), and gives every kind's constructor the AWS clients of one
// Env, built once from the aws.Config that main loaded, so that the checks
// of a kind share one client and warm invocations reuse them.
//
// main loads the AWS configuration with the SDK's default chain, so the
// SDK's own settings apply: AWS_REGION, AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_<SERVICE> (which is how LocalStack is reached),
// credentials, profiles. It loads it only when something needs AWS
// (NeedsAWS).
package checkbuild

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// StartupTimeout bounds everything a function does at start-up that may
// wait on AWS: loading the AWS configuration, reading the details token
// and the database secrets. Lambda gives a function's init 10 s; this
// leaves it 2 s for the rest, so a hung endpoint ends start-up with the
// error that says so rather than with an init timeout.
const StartupTimeout = 8 * time.Second

// NeedsAWS reports whether any spec calls an AWS API (has IAM permissions).
func NeedsAWS(specs []CheckSpec) bool {
	for _, s := range specs {
		if s.Spec != nil && len(s.Spec.Permissions()) > 0 {
			return true
		}
	}
	return false
}

// Build returns one health check per spec, its AWS clients made from
// awsCfg (nil: no AWS configuration, and a check that needs one fails with
// checks.AWSConfigProblem).
func Build(ctx context.Context, specs []CheckSpec, awsCfg *aws.Config) ([]health.Check, error) {
	env := awscheck.NewEnv(awsCfg, nil)
	out := make([]health.Check, 0, len(specs))
	for i, s := range specs {
		check, err := s.Spec.Check(ctx, s.Common, env)
		if err != nil {
			return nil, &buildError{Check: fmt.Sprintf("HEALTH_CHECKS[%d] (%s)", i, s.Name), Problem: health.Classify(err, 0), Err: err}
		}
		out = append(out, check)
	}
	return out, nil
}

// buildError is a check that could not be built. Its text names the check
// and says what is wrong in terms safe to log (the error's safe class, as
// health.Classify names it); the underlying error, which may name
// endpoints, ARNs or roles, is kept for errors.Is and errors.As.
type buildError struct {
	Check   string
	Problem string
	Err     error
}

// Error returns "check: problem".
func (e *buildError) Error() string { return e.Check + ": " + e.Problem }

// Unwrap returns the underlying error.
func (e *buildError) Unwrap() error { return e.Err }

// NewChecker builds the configured checks, specs (Decode of cfg.Checks),
// and the engine that runs them with the configured budget, cache TTL and
// start-up grace; opts come after and override those.
func NewChecker(ctx context.Context, cfg config.Config, specs []CheckSpec, awsCfg *aws.Config, opts ...health.Option) (*health.Checker, error) {
	built, err := Build(ctx, specs, awsCfg)
	if err != nil {
		return nil, err
	}
	base := []health.Option{
		health.WithBudget(cfg.Budget),
		health.WithCacheTTL(cfg.CacheTTL),
		health.WithStartupGrace(cfg.StartupGrace),
	}
	return health.NewChecker(built, append(base, opts...)...)
}
