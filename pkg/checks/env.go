package checks

import (
	"errors"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

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

// AWSConfigProblem is the safe text of a failure to load the AWS
// configuration (the SDK's error may name profiles and files).
const AWSConfigProblem = "the AWS configuration could not be loaded (check AWS_REGION, AWS_PROFILE and the credentials)"

// ErrNoAWS is returned by Env.AWS when the Env has no AWS configuration;
// its class is AWSConfigProblem.
var ErrNoAWS = health.WithClass(AWSConfigProblem, errors.New("no AWS configuration"))

// Env is what the checks of one process share: the AWS configuration and
// one client per AWS service, each made on first use, so that every check
// of a kind reuses one client and warm invocations reuse them all.
type Env struct {
	awsCfg *aws.Config
	getenv func(string) string

	mu      sync.Mutex
	clients map[string]any
}

// NewEnv returns an Env whose AWS clients are made from cfg (with the
// checks' retry policy), or an Env without AWS when cfg is nil. getenv
// reads the SDK settings the SDK does not apply itself (such as
// AWS_S3_USE_PATH_STYLE); nil means os.Getenv.
func NewEnv(cfg *aws.Config, getenv func(string) string) *Env {
	if getenv == nil {
		getenv = os.Getenv
	}
	e := &Env{getenv: getenv, clients: map[string]any{}}
	if cfg != nil {
		c := WithCheckRetries(*cfg)
		e.awsCfg = &c
	}
	return e
}

// AWS returns the AWS configuration, or ErrNoAWS.
func (e *Env) AWS() (aws.Config, error) {
	if e == nil || e.awsCfg == nil {
		return aws.Config{}, ErrNoAWS
	}
	return *e.awsCfg, nil
}

// SigningAWS returns the AWS configuration to sign IAM authentication
// tokens with, which needs a region; its errors name the iamAuth field.
func (e *Env) SigningAWS() (aws.Config, error) {
	cfg, err := e.AWS()
	if err == nil && cfg.Region == "" {
		err = health.WithClass("iamAuth: no AWS region to sign the token for (set AWS_REGION)", errors.New("no region"))
	}
	return cfg, err
}

// Getenv reads an environment variable.
func (e *Env) Getenv(key string) string { return e.getenv(key) }

// Client returns the env's client named key, making it with build from the
// AWS configuration the first time.
func Client[T any](e *Env, key string, build func(cfg aws.Config, getenv func(string) string) T) (T, error) {
	var zero T
	cfg, err := e.AWS()
	if err != nil {
		return zero, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.clients[key].(T); ok {
		return c, nil
	}
	c := build(cfg, e.getenv)
	e.clients[key] = c
	return c, nil
}

// WithClient returns the check newCheck makes with the env's client named
// key (made by build the first time): the Check method of an AWS kind.
func WithClient[T any](e *Env, key string, build func(cfg aws.Config, getenv func(string) string) T, newCheck func(client T) health.Check) (health.Check, error) {
	client, err := Client(e, key, build)
	if err != nil {
		return health.Check{}, err
	}
	return newCheck(client), nil
}
