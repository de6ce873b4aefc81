package kinesis

import (
	"context"
	"testing"
	"time"

	awskinesis "github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

type fakeKinesis func(in *awskinesis.DescribeStreamSummaryInput) (*awskinesis.DescribeStreamSummaryOutput, error)

func (f fakeKinesis) DescribeStreamSummary(_ context.Context, in *awskinesis.DescribeStreamSummaryInput, _ ...func(*awskinesis.Options)) (*awskinesis.DescribeStreamSummaryOutput, error) {
	return f(in)
}

func status(s types.StreamStatus) fakeKinesis {
	return func(*awskinesis.DescribeStreamSummaryInput) (*awskinesis.DescribeStreamSummaryOutput, error) {
		return &awskinesis.DescribeStreamSummaryOutput{StreamDescriptionSummary: &types.StreamDescriptionSummary{StreamStatus: s}}, nil
	}
}

func failing(code string) fakeKinesis {
	return func(*awskinesis.DescribeStreamSummaryInput) (*awskinesis.DescribeStreamSummaryOutput, error) {
		return nil, checktest.APIError(code)
	}
}

func TestProbe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		client     fakeKinesis
		wantStatus health.Status
		wantOutput string
	}{
		{"active", status(types.StreamStatusActive), health.StatusPass, ""},
		{"updating warns", status(types.StreamStatusUpdating), health.StatusWarn, "stream UPDATING"},
		{"creating fails", status(types.StreamStatusCreating), health.StatusFail, "stream CREATING"},
		{"deleting fails", status(types.StreamStatusDeleting), health.StatusFail, "stream DELETING"},
		{"missing", failing("ResourceNotFoundException"), health.StatusFail, health.ClassNotFound},
		{"denied", failing("AccessDeniedException"), health.StatusFail, "access denied: kinesis:DescribeStreamSummary on stream/clicks"},
		{"throttled", failing("LimitExceededException"), health.StatusFail, health.ClassThrottled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := checktest.Run(t, checktest.Must(t)(New(checks.Common{Name: "clicks"}, Spec{Stream: "clicks"}, tt.client)), time.Second)
			checktest.Expect(t, o, tt.wantStatus, tt.wantOutput, time.Second)
		})
	}
}

func TestNameOrARN(t *testing.T) {
	t.Parallel()
	const arn = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks"
	for _, stream := range []string{"clicks", arn} {
		var got *awskinesis.DescribeStreamSummaryInput
		client := fakeKinesis(func(in *awskinesis.DescribeStreamSummaryInput) (*awskinesis.DescribeStreamSummaryOutput, error) {
			got = in
			return status(types.StreamStatusActive)(in)
		})
		checktest.Run(t, checktest.Must(t)(New(checks.Common{Name: "clicks"}, Spec{Stream: stream}, client)), time.Second)
		if (stream == arn) != (got.StreamARN != nil) || (stream != arn) != (got.StreamName != nil) {
			t.Errorf("stream %q: DescribeStreamSummary(%+v); want the ARN as StreamARN, a name as StreamName", stream, got)
		}
		if err := (Spec{Stream: stream}).Validate(); err != nil {
			t.Errorf("Validate(%q) = %v", stream, err)
		}
	}
	if p := (Spec{Stream: "clicks"}).Permissions(); p[0].Resource != "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/clicks" {
		t.Errorf("Permissions() = %+v", p)
	}
}
