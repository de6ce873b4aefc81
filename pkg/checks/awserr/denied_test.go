package awserr

import (
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func TestShortResource(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ arn, want string }{
		{checks.ARN("dynamodb", "table/orders"), "table/orders"},
		{"arn:aws:dynamodb:eu-west-1:123456789012:table/orders", "table/orders"},
		{"arn:aws:sqs:eu-west-1:123456789012:orders", "queue orders"},
		{"arn:aws-cn:sns:cn-north-1:123456789012:events", "topic events"},
		{"arn:${AWS::Partition}:s3:::assets", "bucket assets"},
		{"arn:${AWS::Partition}:s3:::assets/health-probe/*", "bucket assets/health-probe/*"},
		{checks.ARN("secretsmanager", "secret:orders/api-key-??????"), "secret:orders/api-key"},
		{"arn:aws:kinesis:us-east-1:123456789012:stream/clicks", "stream/clicks"},
		{"", ""},
		{"orders", ""},
	} {
		if got := shortResource(tt.arn); got != tt.want {
			t.Errorf("shortResource(%q) = %q; want %q", tt.arn, got, tt.want)
		}
	}
}

func TestClassifyCallNamesWhatIsMissing(t *testing.T) {
	t.Parallel()
	perm := checks.Permission{Actions: []string{"dynamodb:DescribeTable"}, Resource: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"}
	denied := &smithy.GenericAPIError{Code: "AccessDeniedException",
		Message: "User: arn:aws:sts::123456789012:assumed-role/x is not authorized to perform: dynamodb:DescribeTable"}
	throttled := &smithy.GenericAPIError{Code: "ThrottlingException", Message: "slow down"}
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"denied", denied, "access denied: dynamodb:DescribeTable on table/orders"},
		{"other class", throttled, health.ClassThrottled},
	} {
		got := health.Classify(ClassifyCall(tt.err, perm, "dynamodb:DescribeTable"), time.Second)
		if got != tt.want {
			t.Errorf("%s: class %q; want %q", tt.name, got, tt.want)
		}
	}
}
