package healthstack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/dynamodb"
	"github.com/lambdahealth/lambdahealth/pkg/checks/eventbridge"
	"github.com/lambdahealth/lambdahealth/pkg/checks/httpcheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/kinesis"
	"github.com/lambdahealth/lambdahealth/pkg/checks/mysql"
	"github.com/lambdahealth/lambdahealth/pkg/checks/postgres"
	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/checks/s3"
	"github.com/lambdahealth/lambdahealth/pkg/checks/secretsmanager"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sns"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
	"github.com/lambdahealth/lambdahealth/pkg/checks/tcp"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Typed checks: checks built from the stack's own constructs. The check's
// JSON carries the construct's tokens (its name, URL or ARN), so that
// HEALTH_CHECKS holds the real resource at deploy time; the check is
// validated at synth by its kind's own validator, with each value that is
// still a token replaced by a valid sample; and both functions are granted
// the kind's own permissions (checks.Spec.Permissions) on the construct's
// ARN. Every check is critical unless its options say Optional, and every
// critical check gets an alarm of its own.

// CheckOptions are the options every typed check takes; their zero values
// are the HEALTH_CHECKS defaults.
type CheckOptions struct {
	// Optional makes a failure warn instead of failing readiness, and
	// leaves the check without an alarm of its own. Default false: critical.
	Optional bool
	// Timeout caps one run. Default: the request budget.
	Timeout time.Duration
	// FailAfter and PassAfter are the check's flap damping: consecutive
	// failed runs before it fails, passing runs before it passes again.
	// Default 1.
	FailAfter, PassAfter int
}

func (o CheckOptions) common(name string) checks.Common {
	return checks.Common{Name: name, Optional: o.Optional, Timeout: o.Timeout, FailAfter: o.FailAfter, PassAfter: o.PassAfter}
}

// TableOptions are a DynamoDB check's options.
type TableOptions struct {
	CheckOptions
	// ProbeKey makes the check write, read and delete an item under this
	// partition key prefix. Default: DescribeTable only.
	ProbeKey string
}

// TableCheck checks a DynamoDB table (kind dynamodb). A nil opts means
// every default.
func TableCheck(name string, table awsdynamodb.ITable, opts *TableOptions) Check {
	o := deref(opts)
	return typed(name, o.CheckOptions, func(v []string) checks.Spec {
		return dynamodb.Spec{Table: v[0], ProbeKey: o.ProbeKey}
	}, resource{table.TableName(), table.TableArn(), func(m string) string { return "arn:aws:dynamodb:us-east-1:123456789012:table/" + m }})
}

// QueueOptions are an SQS check's options.
type QueueOptions struct {
	CheckOptions
	// MaxDepth makes the check warn when the queue holds more messages.
	// Default (nil): no limit.
	MaxDepth *int64
	// DeadLetterQueue makes the check warn when it holds any message.
	// Default: none.
	DeadLetterQueue awssqs.IQueue
}

// QueueCheck checks an SQS queue (kind sqs). A nil opts means every default.
func QueueCheck(name string, queue awssqs.IQueue, opts *QueueOptions) Check {
	o := deref(opts)
	url := func(m string) string { return "https://sqs.us-east-1.amazonaws.com/123456789012/" + m }
	refs := []resource{{queue.QueueUrl(), queue.QueueArn(), url}}
	if o.DeadLetterQueue != nil {
		refs = append(refs, resource{o.DeadLetterQueue.QueueUrl(), o.DeadLetterQueue.QueueArn(), url})
	}
	return typed(name, o.CheckOptions, func(v []string) checks.Spec {
		s := sqs.Spec{QueueURL: v[0], MaxDepth: o.MaxDepth}
		if len(v) > 1 {
			s.DLQURL = v[1]
		}
		return s
	}, refs...)
}

// BucketOptions are an S3 check's options.
type BucketOptions struct {
	CheckOptions
	// ProbeKey makes the check write, read and delete an object under this
	// key prefix instead of calling HeadBucket. Default: HeadBucket.
	ProbeKey string
}

// BucketCheck checks an S3 bucket (kind s3). A nil opts means every default.
func BucketCheck(name string, bucket awss3.IBucket, opts *BucketOptions) Check {
	o := deref(opts)
	return typed(name, o.CheckOptions, func(v []string) checks.Spec {
		return s3.Spec{Bucket: v[0], ProbeKey: o.ProbeKey}
	}, resource{bucket.BucketName(), bucket.BucketArn(), func(m string) string { return m }})
}

// TopicCheck checks an SNS topic (kind sns). A nil opts means every default.
func TopicCheck(name string, topic awssns.ITopic, opts *CheckOptions) Check {
	return typed(name, deref(opts), func(v []string) checks.Spec { return sns.Spec{TopicARN: v[0]} },
		resource{topic.TopicArn(), topic.TopicArn(), func(m string) string { return "arn:aws:sns:us-east-1:123456789012:" + m }})
}

// StreamCheck checks a Kinesis data stream (kind kinesis). A nil opts means
// every default.
func StreamCheck(name string, stream awskinesis.IStream, opts *CheckOptions) Check {
	return typed(name, deref(opts), func(v []string) checks.Spec { return kinesis.Spec{Stream: v[0]} },
		resource{stream.StreamName(), stream.StreamArn(), func(m string) string { return "arn:aws:kinesis:us-east-1:123456789012:stream/" + m }})
}

// EventBusCheck checks an EventBridge event bus (kind eventbridge). A nil
// opts means every default.
func EventBusCheck(name string, bus awsevents.IEventBus, opts *CheckOptions) Check {
	return typed(name, deref(opts), func(v []string) checks.Spec { return eventbridge.Spec{EventBus: v[0]} },
		resource{bus.EventBusName(), bus.EventBusArn(), func(m string) string { return "arn:aws:events:us-east-1:123456789012:event-bus/" + m }})
}

// SecretCheck checks that a Secrets Manager secret exists and is usable,
// without reading its value (kind secretsmanager). A nil opts means every
// default.
func SecretCheck(name string, secret awssecretsmanager.ISecret, opts *CheckOptions) Check {
	return typed(name, deref(opts), func(v []string) checks.Spec { return secretsmanager.Spec{SecretID: v[0]} },
		resource{secret.SecretArn(), secret.SecretArn(), secretSample})
}

// HTTPOptions are an HTTP check's options.
type HTTPOptions struct {
	CheckOptions
	// ExpectStatus is the statuses that pass ("200", "200-299", or a
	// comma-separated list). Default httpcheck.DefaultExpectStatus.
	ExpectStatus string
}

// HTTPCheck GETs url (kind http); url may be a token, such as an API's URL.
// A nil opts means every default.
func HTTPCheck(name, url string, opts *HTTPOptions) Check {
	o := deref(opts)
	return typed(name, o.CheckOptions, func(v []string) checks.Spec {
		return httpcheck.Spec{URL: v[0], ExpectStatus: o.ExpectStatus}
	}, resource{value: jsii.String(url), sample: func(m string) string { return "https://" + m + ".example.com/" }})
}

// TCPCheck connects to address, host:port (kind tcp); it may hold tokens.
// A nil opts means every default.
func TCPCheck(name, address string, opts *CheckOptions) Check {
	return typed(name, deref(opts), func(v []string) checks.Spec { return tcp.Spec{Address: v[0]} },
		resource{value: jsii.String(address), sample: func(m string) string { return m + ".example.com:443" }})
}

// DatabaseOptions are a PostgreSQL or MySQL check's options. Either Secret
// or IAMAuth with User.
type DatabaseOptions struct {
	CheckOptions
	// Secret holds the login, in the shape RDS stores (such as the
	// instance's own Secret()); the functions get
	// secretsmanager:GetSecretValue on it.
	Secret awssecretsmanager.ISecret
	// IAMAuth logs in as User with an RDS IAM token; the functions get
	// rds-db:connect on that user of this database.
	IAMAuth bool
	// User and Database name the login and the database; with Secret they
	// default to the secret's.
	User, Database string
	// Port is the database's port. Default: the engine's.
	Port int
	// TLS is "disable", "require" or "verify-full". Default: the kind's.
	TLS string
}

// PostgresCheck checks a PostgreSQL RDS instance (kind postgres).
func PostgresCheck(name string, db awsrds.IDatabaseInstance, opts *DatabaseOptions) Check {
	return databaseCheck(name, postgres.Type, db.DbInstanceEndpointAddress(), db.InstanceResourceId(), deref(opts))
}

// PostgresClusterCheck checks an Aurora PostgreSQL cluster's writer (kind
// postgres).
func PostgresClusterCheck(name string, db awsrds.IDatabaseCluster, opts *DatabaseOptions) Check {
	return databaseCheck(name, postgres.Type, db.ClusterEndpoint().Hostname(), db.ClusterResourceIdentifier(), deref(opts))
}

// MySQLCheck checks a MySQL or MariaDB RDS instance (kind mysql).
func MySQLCheck(name string, db awsrds.IDatabaseInstance, opts *DatabaseOptions) Check {
	return databaseCheck(name, mysql.Type, db.DbInstanceEndpointAddress(), db.InstanceResourceId(), deref(opts))
}

// MySQLClusterCheck checks an Aurora MySQL cluster's writer (kind mysql).
func MySQLClusterCheck(name string, db awsrds.IDatabaseCluster, opts *DatabaseOptions) Check {
	return databaseCheck(name, mysql.Type, db.ClusterEndpoint().Hostname(), db.ClusterResourceIdentifier(), deref(opts))
}

func databaseCheck(name, kind string, host, resourceID *string, o DatabaseOptions) Check {
	refs := []resource{{value: host, sample: func(m string) string { return m + ".example.com" }}}
	if o.Secret != nil {
		refs = append(refs, resource{o.Secret.SecretArn(), o.Secret.SecretArn(), secretSample})
	}
	c := typed(name, o.CheckOptions, func(v []string) checks.Spec {
		s := rds.Spec{Host: v[0], Port: o.Port, User: o.User, Database: o.Database, IAMAuth: o.IAMAuth, TLS: o.TLS}
		if len(v) > 1 {
			s.SecretARN = v[1]
		}
		if kind == mysql.Type {
			return mysql.Spec{Spec: s}
		}
		return postgres.Spec{Spec: s}
	}, refs...)
	if o.IAMAuth {
		// The user's ARN holds the database's resource ID, which no check names.
		spec := c.Spec.(constructSpec)
		spec.unnamed = map[string]string{"DbUserArns": "arn:" + *awscdk.Aws_PARTITION() + ":rds-db:" + *awscdk.Aws_REGION() + ":" +
			*awscdk.Aws_ACCOUNT_ID() + ":dbuser:" + *resourceID + "/" + o.User}
		c.Spec = spec
	}
	return c
}

func secretSample(m string) string {
	return "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + m + "-AbCdEf"
}

func deref[T any](p *T) T {
	var v T
	if p != nil {
		v = *p
	}
	return v
}

// resource is one value of a typed check that comes from a construct.
type resource struct {
	// value goes into the check's JSON (a token, or a known value).
	value *string
	// arn is what the kind's permissions on the resource are granted on;
	// nil for a value that names no AWS resource (a host, a URL).
	arn *string
	// sample returns a valid value that holds marker, which stands in for
	// value while it is a token: for validation, and to find the
	// permissions on this resource among the kind's.
	sample func(marker string) string
}

// typed builds a check of spec(values), one value per resource.
func typed(name string, o CheckOptions, spec func([]string) checks.Spec, resources ...resource) Check {
	values, known, samples := make([]string, len(resources)), make([]string, len(resources)), make([]string, len(resources))
	s := constructSpec{arns: map[string]resourceARN{}}
	for i, r := range resources {
		marker := fmt.Sprintf("lambdahealth-sample-%d", i)
		values[i] = *r.value
		samples[i] = r.sample(marker)
		known[i] = values[i]
		if *awscdk.Token_IsUnresolved(r.value) {
			known[i] = samples[i]
		}
		if r.arn != nil {
			_, tail, _ := strings.Cut(samples[i], marker)
			s.arns[marker] = resourceARN{arn: *r.arn, tail: tail}
		}
	}
	s.spec, s.known, s.sampled = spec(values), spec(known), spec(samples)
	return Check{Common: o.common(name), Spec: s}
}

type resourceARN struct {
	arn  string
	tail string // what follows the marker in the sample
}

// constructSpec is a kind's spec whose values may be CDK tokens. It is a
// checks.Spec: the JSON is the kind's own, with the tokens in it.
type constructSpec struct {
	spec    checks.Spec // the values: the JSON
	known   checks.Spec // the known values, samples for the tokens: validation
	sampled checks.Spec // every value a sample: the permissions' resources
	arns    map[string]resourceARN
	// unnamed are the resources of the permissions that the kind cannot
	// name (Permission.Resource empty), by Permission.Parameter.
	unnamed map[string]string
}

// Type returns the kind's type.
func (s constructSpec) Type() string { return s.spec.Type() }

// Validate is the kind's validation of the values known at synth.
func (s constructSpec) Validate() error { return s.known.Validate() }

// Permissions are the kind's permissions, each on the construct's ARN.
func (s constructSpec) Permissions() []checks.Permission {
	perms := s.sampled.Permissions()
	for i, p := range perms {
		if p.Resource == "" {
			perms[i].Resource = s.unnamed[p.Parameter]
			continue
		}
		for marker, a := range s.arns {
			if _, after, ok := strings.Cut(p.Resource, marker); ok {
				perms[i].Resource = a.arn + strings.TrimPrefix(after, a.tail)
				break
			}
		}
	}
	return perms
}

// Check builds the kind's check: never at synth.
func (s constructSpec) Check(ctx context.Context, c checks.Common, env *checks.Env) (health.Check, error) {
	return s.spec.Check(ctx, c, env)
}

// MarshalJSON writes the kind's fields, with the tokens.
func (s constructSpec) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s.spec); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
