// Package awscheck is what the check kinds that call AWS share, and only
// they import: the AWS configuration and one client per service kept in a
// checks.Env, and the short retry policy of health checks. The kinds that
// call no AWS API (http, tcp) and the engine never import it, so a service
// that uses only them links no AWS SDK (internal/layering checks that).
package awscheck

import (
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Retries of the AWS clients of health checks. A probe has a budget of a
// second or two, and the SDK's defaults (3 attempts, backoff up to 20s)
// would spend it on retries, turning a refused or throttled dependency into
// a bare "timeout". Two attempts still absorb the one transient failure that
// is common in Lambda (a keep-alive connection that died while the instance
// was frozen), and the short backoff keeps the retry inside the budget; a
// dependency that fails twice is reported as it is, and the next request or
// canary run tries again anyway.
const (
	AWSMaxAttempts = 2
	AWSMaxBackoff  = 100 * time.Millisecond
)

// Retryer returns the retry policy of the AWS clients that health checks use:
// AWSMaxAttempts attempts with at most AWSMaxBackoff between them.
func Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = AWSMaxAttempts
		o.MaxBackoff = AWSMaxBackoff
	})
}

// WithCheckRetries returns cfg with the retry policy of health checks
// (Retryer), for the clients of checks and of start-up reads.
func WithCheckRetries(cfg aws.Config) aws.Config {
	cfg.Retryer = Retryer
	cfg.RetryMaxAttempts = AWSMaxAttempts
	return cfg
}

// ErrNoAWS is returned by Config when the Env has no AWS configuration;
// its class is checks.AWSConfigProblem.
var ErrNoAWS = health.WithClass(checks.AWSConfigProblem, errors.New("no AWS configuration"))

// configKey and clientKey keep this package's values in a checks.Env.
type (
	configKey struct{}
	clientKey string
)

// NewEnv returns a checks.Env whose AWS clients are made from cfg (with the
// checks' retry policy), or an Env without AWS when cfg is nil. getenv
// reads the SDK settings the SDK does not apply itself (such as
// AWS_S3_USE_PATH_STYLE); nil means os.Getenv.
func NewEnv(cfg *aws.Config, getenv func(string) string) *checks.Env {
	e := checks.NewEnv(getenv)
	if cfg != nil {
		c := WithCheckRetries(*cfg)
		_, _ = checks.Shared(e, configKey{}, func() (aws.Config, error) { return c, nil })
	}
	return e
}

// Config returns the env's AWS configuration, or ErrNoAWS.
func Config(e *checks.Env) (aws.Config, error) {
	if e == nil {
		return aws.Config{}, ErrNoAWS
	}
	return checks.Shared(e, configKey{}, func() (aws.Config, error) { return aws.Config{}, ErrNoAWS })
}

// SigningConfig returns the AWS configuration to sign IAM authentication
// tokens with, which needs a region; its errors name the iamAuth field.
func SigningConfig(e *checks.Env) (aws.Config, error) {
	cfg, err := Config(e)
	if err == nil && cfg.Region == "" {
		err = health.WithClass("iamAuth: no AWS region to sign the token for (set AWS_REGION)", errors.New("no region"))
	}
	return cfg, err
}

// Client returns the env's client named key, making it with build from the
// AWS configuration the first time.
func Client[T any](e *checks.Env, key string, build func(cfg aws.Config, getenv func(string) string) T) (T, error) {
	cfg, err := Config(e)
	if err != nil {
		var zero T
		return zero, err
	}
	return checks.Shared(e, clientKey(key), func() (T, error) { return build(cfg, e.Getenv), nil })
}

// WithClient returns the check newCheck makes with the env's client named
// key (made by build the first time): the Check method of an AWS kind.
func WithClient[T any](e *checks.Env, key string, build func(cfg aws.Config, getenv func(string) string) T, newCheck func(client T) (health.Check, error)) (health.Check, error) {
	client, err := Client(e, key, build)
	if err != nil {
		return health.Check{}, err
	}
	return newCheck(client)
}
