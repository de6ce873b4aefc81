// Package checkbuild turns validated check specs from the configuration into
// health checks, building each dependency's client once so that warm
// invocations reuse it.
//
// AWS clients (SQS, S3, Secrets Manager) and the credentials of RDS IAM
// tokens come from one aws.Config, loaded with the SDK's default chain only
// when a check needs AWS, so the SDK's own settings apply: AWS_REGION,
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (which is how LocalStack is
// reached), credentials, profiles.
package checkbuild

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/checks/httpcheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/checks/s3"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
	"github.com/lambdahealth/lambdahealth/pkg/checks/tcp"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// componentTypes maps check types to IETF component types.
var componentTypes = map[string]string{
	config.TypePostgres: health.ComponentDatastore,
	config.TypeMySQL:    health.ComponentDatastore,
	config.TypeSQS:      health.ComponentComponent,
	config.TypeS3:       health.ComponentDatastore,
	config.TypeHTTP:     health.ComponentSystem,
	config.TypeTCP:      health.ComponentComponent,
}

// measurements maps check types whose observed value is not the response
// time to their measurement names.
var measurements = map[string]string{
	config.TypeSQS: sqs.Measurement,
}

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

// errUnsupported is a check type this build cannot make.
var errUnsupported = errors.New("not supported by this build")

// secretFetchTimeout bounds the start-up read of a database secret.
const secretFetchTimeout = 10 * time.Second

// Option configures Build.
type Option func(*builder)

// WithAWSConfig sets the AWS configuration of the checks' AWS clients and
// IAM tokens. Default: the SDK's default configuration
// (config.LoadDefaultConfig), loaded once, and only when a check needs AWS.
func WithAWSConfig(cfg aws.Config) Option {
	return func(b *builder) {
		b.load = func(context.Context) (aws.Config, error) { return cfg, nil }
	}
}

// WithGetenv sets how Build reads AWS_S3_USE_PATH_STYLE, AWS_ENDPOINT_URL
// and AWS_ENDPOINT_URL_S3. Default: os.Getenv.
func WithGetenv(getenv func(string) string) Option {
	return func(b *builder) { b.getenv = getenv }
}

// builder holds what the checks of one Build share: the AWS configuration
// and one client per AWS service, each made on first use.
type builder struct {
	load   func(ctx context.Context) (aws.Config, error)
	getenv func(string) string

	awsOnce sync.Once
	awsCfg  aws.Config
	awsErr  error

	sqs     *awssqs.Client
	s3      *awss3.Client
	secrets *secretsmanager.Client
}

// Build returns one health check per spec.
func Build(ctx context.Context, specs []config.CheckSpec, opts ...Option) ([]health.Check, error) {
	b := &builder{
		load: func(ctx context.Context) (aws.Config, error) {
			return awsconfig.LoadDefaultConfig(ctx)
		},
		getenv: os.Getenv,
	}
	for _, o := range opts {
		o(b)
	}
	checks := make([]health.Check, 0, len(specs))
	for i, s := range specs {
		probe, err := b.probe(ctx, s)
		if err != nil {
			return nil, &BuildError{Check: fmt.Sprintf("HEALTH_CHECKS[%d] (%s)", i, s.Name), Problem: problem(err), Err: err}
		}
		checks = append(checks, health.Check{
			Name:          s.Name,
			ComponentType: componentTypes[s.Type],
			Measurement:   measurements[s.Type],
			Optional:      !s.Critical,
			Timeout:       s.Timeout,
			Probe:         probe,
		})
	}
	return checks, nil
}

func (b *builder) probe(ctx context.Context, s config.CheckSpec) (health.Probe, error) {
	switch s.Type {
	case config.TypeHTTP:
		var opts []httpcheck.Option
		if s.ExpectStatus != "" {
			set, err := config.ParseStatusSet(s.ExpectStatus)
			if err != nil {
				return nil, err
			}
			opts = append(opts, httpcheck.WithAccept(set.Contains))
		}
		return httpcheck.New(s.URL, opts...).Probe, nil
	case config.TypeTCP:
		return tcp.New(s.Address).Probe, nil
	case config.TypePostgres, config.TypeMySQL:
		return b.database(ctx, s)
	case config.TypeSQS:
		client, err := b.sqsClient(ctx)
		if err != nil {
			return nil, err
		}
		var opts []sqs.Option
		if s.MaxDepth != nil {
			opts = append(opts, sqs.WithMaxDepth(*s.MaxDepth))
		}
		if s.DLQURL != "" {
			opts = append(opts, sqs.WithDeadLetterQueue(s.DLQURL))
		}
		return sqs.New(client, s.QueueURL, opts...).Probe, nil
	case config.TypeS3:
		client, err := b.s3Client(ctx)
		if err != nil {
			return nil, err
		}
		var opts []s3.Option
		if s.ProbeKey != "" {
			opts = append(opts, s3.WithProbeKey(s.ProbeKey))
		}
		return s3.New(client, s.Bucket, opts...).Probe, nil
	}
	return nil, fmt.Errorf("check type %q: %w", s.Type, errUnsupported)
}

// database builds a PostgreSQL or MySQL check. A Secrets Manager secret is
// read here, once; the check reads it again only when it opens a new
// connection with a copy older than a minute (so a rotated password is
// picked up).
func (b *builder) database(ctx context.Context, s config.CheckSpec) (health.Probe, error) {
	engine := rds.Postgres
	if s.Type == config.TypeMySQL {
		engine = rds.MySQL
	}
	cfg := rds.Config{
		Engine:   engine,
		DSN:      s.DSN,
		Host:     s.Host,
		Port:     s.Port,
		User:     s.User,
		Database: s.Database,
		TLS:      s.TLS,
	}
	var opts []rds.Option
	switch {
	case s.IAMAuth:
		awsCfg, err := b.aws(ctx)
		if err != nil {
			return nil, err
		}
		if awsCfg.Region == "" {
			return nil, &safeError{text: "iamAuth: no AWS region to sign the token for (set AWS_REGION)"}
		}
		opts = append(opts, rds.WithIAMAuth(awsCfg.Region, rds.AWSTokenSigner(awsCfg.Credentials)))
	case s.SecretARN != "":
		client, err := b.secretsClient(ctx)
		if err != nil {
			return nil, err
		}
		src := rds.NewSecretSource(client, s.SecretARN)
		fctx, cancel := context.WithTimeout(ctx, secretFetchTimeout)
		defer cancel()
		given := secretFetchTimeout // or less, when ctx ends first (StartupTimeout)
		if dl, ok := fctx.Deadline(); ok && time.Until(dl) < given {
			given = time.Until(dl).Round(100 * time.Millisecond)
		}
		sec, err := src.Fetch(fctx)
		if err != nil {
			if errors.Is(err, rds.ErrInvalidSecret) {
				return nil, fmt.Errorf("secretArn: %w", err)
			}
			return nil, &safeError{text: "secretArn: the secret could not be read: " + health.Classify(awserr.Classify(err), given), err: err}
		}
		cfg = sec.Apply(cfg)
		opts = append(opts, rds.WithCredentials(src.Credentials))
	}
	chk, err := rds.New(cfg, opts...)
	if err != nil {
		return nil, err
	}
	return chk.Probe, nil
}

// AWSConfigProblem is the safe text of a failure to load the AWS
// configuration (the SDK's error may name profiles and files).
const AWSConfigProblem = "the AWS configuration could not be loaded (check AWS_REGION, AWS_PROFILE and the credentials)"

// BuildError is a check that could not be built. Its text names the check
// and says what is wrong in terms safe to log (a class such as "access
// denied", or a message written to be shown); the underlying error, which
// may name endpoints, ARNs or roles, is kept for errors.Is and errors.As.
type BuildError struct {
	Check   string
	Problem string
	Err     error
}

// Error returns "check: problem".
func (e *BuildError) Error() string { return e.Check + ": " + e.Problem }

// Unwrap returns the underlying error.
func (e *BuildError) Unwrap() error { return e.Err }

// safeError carries a text written to be shown in place of its error's.
type safeError struct {
	text string
	err  error
}

func (e *safeError) Error() string { return e.text }
func (e *safeError) Unwrap() error { return e.err }

// problem describes why a check could not be built, safely: texts written
// to be shown (this package's, and the database check's configuration and
// secret errors) as they are, anything else by its class only.
func problem(err error) string {
	var safe *safeError
	switch {
	case errors.As(err, &safe):
		return safe.text
	case errors.Is(err, rds.ErrInvalidConfig), errors.Is(err, rds.ErrInvalidSecret), errors.Is(err, errUnsupported):
		return err.Error()
	}
	return health.Classify(awserr.Classify(err), 0)
}

// aws loads the AWS configuration once.
func (b *builder) aws(ctx context.Context) (aws.Config, error) {
	b.awsOnce.Do(func() {
		b.awsCfg, b.awsErr = b.load(ctx)
		if b.awsErr != nil {
			b.awsErr = &safeError{text: AWSConfigProblem, err: b.awsErr}
		}
	})
	return b.awsCfg, b.awsErr
}

// Retryer returns the retry policy of the AWS clients that health checks use:
// AWSMaxAttempts attempts with at most AWSMaxBackoff between them.
func Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = AWSMaxAttempts
		o.MaxBackoff = AWSMaxBackoff
	})
}

func (b *builder) sqsClient(ctx context.Context) (*awssqs.Client, error) {
	if b.sqs == nil {
		cfg, err := b.aws(ctx)
		if err != nil {
			return nil, err
		}
		b.sqs = awssqs.NewFromConfig(cfg, func(o *awssqs.Options) {
			o.Retryer = Retryer()
			o.RetryMaxAttempts = AWSMaxAttempts
		})
	}
	return b.sqs, nil
}

func (b *builder) s3Client(ctx context.Context) (*awss3.Client, error) {
	if b.s3 == nil {
		cfg, err := b.aws(ctx)
		if err != nil {
			return nil, err
		}
		pathStyle := b.usePathStyle(cfg)
		b.s3 = awss3.NewFromConfig(cfg, func(o *awss3.Options) {
			o.Retryer = Retryer()
			o.RetryMaxAttempts = AWSMaxAttempts
			o.UsePathStyle = pathStyle
		})
	}
	return b.s3, nil
}

func (b *builder) secretsClient(ctx context.Context) (*secretsmanager.Client, error) {
	if b.secrets == nil {
		cfg, err := b.aws(ctx)
		if err != nil {
			return nil, err
		}
		b.secrets = secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
			o.Retryer = Retryer()
			o.RetryMaxAttempts = AWSMaxAttempts
		})
	}
	return b.secrets, nil
}

// usePathStyle reports whether S3 requests put the bucket in the path
// (http://endpoint/bucket/key) rather than in the host name
// (http://bucket.endpoint/key). AWS itself wants the host name, but an
// emulator such as LocalStack on http://127.0.0.1:4566 can only be reached
// by path, because "bucket.127.0.0.1" resolves to nothing. So path style is
// used when AWS_S3_USE_PATH_STYLE says so, and otherwise whenever the S3
// endpoint has been overridden (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, or a
// BaseEndpoint in the configuration); AWS_S3_USE_PATH_STYLE=false keeps
// host-name addressing for an overridden endpoint that supports it.
func (b *builder) usePathStyle(cfg aws.Config) bool {
	if v := b.getenv("AWS_S3_USE_PATH_STYLE"); v != "" {
		on, err := strconv.ParseBool(v)
		return err == nil && on
	}
	return b.getenv("AWS_ENDPOINT_URL_S3") != "" || b.getenv("AWS_ENDPOINT_URL") != "" || cfg.BaseEndpoint != nil
}
