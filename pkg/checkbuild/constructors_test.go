package checkbuild

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	awskinesis "github.com/aws/aws-sdk-go-v2/service/kinesis"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	awssm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/dynamodb"
	"github.com/lambdahealth/lambdahealth/pkg/checks/eventbridge"
	"github.com/lambdahealth/lambdahealth/pkg/checks/kinesis"
	"github.com/lambdahealth/lambdahealth/pkg/checks/redis"
	"github.com/lambdahealth/lambdahealth/pkg/checks/s3"
	"github.com/lambdahealth/lambdahealth/pkg/checks/secretsmanager"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sns"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Every kind's New runs the same Validate as a HEALTH_CHECKS entry, so a
// spec that could only fail at run time (as "check failed") is an error
// naming the field when the check is built; a nil client is one too.
func TestKindConstructorsValidate(t *testing.T) {
	c := checks.Common{Name: "dep"}
	cfg := aws.Config{Region: "eu-west-1"}
	for _, tt := range []struct {
		kind      string
		bad, nilC func() (health.Check, error)
		good      func() (health.Check, error)
		wantField string
	}{
		{"sqs",
			func() (health.Check, error) { return sqs.New(c, sqs.Spec{}, awssqs.NewFromConfig(cfg)) },
			func() (health.Check, error) {
				return sqs.New(c, sqs.Spec{QueueURL: "https://sqs.eu-west-1.amazonaws.com/1/q"}, nil)
			},
			func() (health.Check, error) {
				return sqs.New(c, sqs.Spec{QueueURL: "https://sqs.eu-west-1.amazonaws.com/1/q"}, awssqs.NewFromConfig(cfg))
			},
			"queueUrl"},
		{"dynamodb",
			func() (health.Check, error) { return dynamodb.New(c, dynamodb.Spec{}, awsddb.NewFromConfig(cfg)) },
			func() (health.Check, error) { return dynamodb.New(c, dynamodb.Spec{Table: "orders"}, nil) },
			func() (health.Check, error) {
				return dynamodb.New(c, dynamodb.Spec{Table: "orders"}, awsddb.NewFromConfig(cfg))
			},
			"table"},
		{"s3",
			func() (health.Check, error) { return s3.New(c, s3.Spec{}, awss3.NewFromConfig(cfg)) },
			func() (health.Check, error) { return s3.New(c, s3.Spec{Bucket: "files"}, nil) },
			func() (health.Check, error) { return s3.New(c, s3.Spec{Bucket: "files"}, awss3.NewFromConfig(cfg)) },
			"bucket"},
		{"sns",
			func() (health.Check, error) { return sns.New(c, sns.Spec{}, awssns.NewFromConfig(cfg)) },
			func() (health.Check, error) {
				return sns.New(c, sns.Spec{TopicARN: "arn:aws:sns:eu-west-1:123456789012:t"}, nil)
			},
			func() (health.Check, error) {
				return sns.New(c, sns.Spec{TopicARN: "arn:aws:sns:eu-west-1:123456789012:t"}, awssns.NewFromConfig(cfg))
			},
			"topicArn"},
		{"kinesis",
			func() (health.Check, error) { return kinesis.New(c, kinesis.Spec{}, awskinesis.NewFromConfig(cfg)) },
			func() (health.Check, error) { return kinesis.New(c, kinesis.Spec{Stream: "clicks"}, nil) },
			func() (health.Check, error) {
				return kinesis.New(c, kinesis.Spec{Stream: "clicks"}, awskinesis.NewFromConfig(cfg))
			},
			"stream"},
		{"eventbridge",
			func() (health.Check, error) {
				return eventbridge.New(c, eventbridge.Spec{EventBus: "bad bus name!"}, awsevents.NewFromConfig(cfg))
			},
			func() (health.Check, error) { return eventbridge.New(c, eventbridge.Spec{EventBus: "orders"}, nil) },
			func() (health.Check, error) {
				return eventbridge.New(c, eventbridge.Spec{EventBus: "orders"}, awsevents.NewFromConfig(cfg))
			},
			"eventBus"},
		{"secretsmanager",
			func() (health.Check, error) {
				return secretsmanager.New(c, secretsmanager.Spec{}, awssm.NewFromConfig(cfg), nil)
			},
			func() (health.Check, error) {
				return secretsmanager.New(c, secretsmanager.Spec{SecretID: "db"}, nil, nil)
			},
			func() (health.Check, error) {
				return secretsmanager.New(c, secretsmanager.Spec{SecretID: "db"}, awssm.NewFromConfig(cfg), nil)
			},
			"secretId"},
		{"redis",
			func() (health.Check, error) { return redis.New(c, redis.Spec{}, nil) },
			nil,
			func() (health.Check, error) { return redis.New(c, redis.Spec{Endpoint: "127.0.0.1:6379"}, nil) },
			"endpoint"},
	} {
		t.Run(tt.kind, func(t *testing.T) {
			if _, err := tt.bad(); err == nil || !errors.Is(err, checks.ErrInvalid) || !strings.Contains(err.Error(), tt.wantField) {
				t.Errorf("New(spec without %s) error = %v; want an error naming %s", tt.wantField, err, tt.wantField)
			}
			if tt.nilC != nil {
				if _, err := tt.nilC(); err == nil || !strings.Contains(err.Error(), "client") {
					t.Errorf("New(nil client) error = %v; want an error naming client", err)
				}
			}
			check, err := tt.good()
			if err != nil || check.Probe == nil || check.Name != "dep" {
				t.Errorf("New(valid spec) = %+v, %v; want a check named dep", check, err)
			}
		})
	}
}
