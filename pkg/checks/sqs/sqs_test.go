package sqs

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

const (
	queueURL = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders"
	dlqURL   = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq"
)

// fakeSQS is a hand-written fake of API.
type fakeSQS struct {
	getQueueAttributes func(ctx context.Context, in *awssqs.GetQueueAttributesInput) (*awssqs.GetQueueAttributesOutput, error)
}

func (f *fakeSQS) GetQueueAttributes(ctx context.Context, in *awssqs.GetQueueAttributesInput, _ ...func(*awssqs.Options)) (*awssqs.GetQueueAttributesOutput, error) {
	return f.getQueueAttributes(ctx, in)
}

// depths answers with the given depth per queue URL, or err for the URLs in errs.
func depths(n map[string]int, errs map[string]error) *fakeSQS {
	return &fakeSQS{getQueueAttributes: func(_ context.Context, in *awssqs.GetQueueAttributesInput) (*awssqs.GetQueueAttributesOutput, error) {
		if err := errs[*in.QueueUrl]; err != nil {
			return nil, err
		}
		if len(in.AttributeNames) != 1 || in.AttributeNames[0] != types.QueueAttributeNameApproximateNumberOfMessages {
			return nil, errors.New("unexpected attribute names")
		}
		return &awssqs.GetQueueAttributesOutput{Attributes: map[string]string{
			"ApproximateNumberOfMessages": strconv.Itoa(n[*in.QueueUrl]),
		}}, nil
	}}
}

func apiErr(code string) error {
	return &smithy.OperationError{ServiceID: "SQS", OperationName: "GetQueueAttributes",
		Err: &smithy.GenericAPIError{Code: code, Message: "arn:aws:sqs:eu-west-1:123456789012:orders"}}
}

func TestProbe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		client     *fakeSQS
		spec       Spec
		wantValue  int64
		wantStatus health.Status // "" for a zero status (pass)
		wantOutput string        // observation output, or the error's class
	}{
		{
			name:      "healthy",
			client:    depths(map[string]int{queueURL: 3}, nil),
			spec:      Spec{MaxDepth: depthPtr(10), DLQURL: dlqURL},
			wantValue: 3,
		},
		{
			name:      "at max depth passes",
			client:    depths(map[string]int{queueURL: 10}, nil),
			spec:      Spec{MaxDepth: depthPtr(10)},
			wantValue: 10,
		},
		{
			name:       "above max depth warns",
			client:     depths(map[string]int{queueURL: 11}, nil),
			spec:       Spec{MaxDepth: depthPtr(10)},
			wantValue:  11,
			wantStatus: health.StatusWarn,
			wantOutput: "queue depth 11 above 10",
		},
		{
			name:       "max depth zero warns on any message",
			client:     depths(map[string]int{queueURL: 1}, nil),
			spec:       Spec{MaxDepth: depthPtr(0)},
			wantValue:  1,
			wantStatus: health.StatusWarn,
			wantOutput: "queue depth 1 above 0",
		},
		{
			name:       "dlq not empty warns",
			client:     depths(map[string]int{queueURL: 0, dlqURL: 2}, nil),
			spec:       Spec{DLQURL: dlqURL},
			wantValue:  0,
			wantStatus: health.StatusWarn,
			wantOutput: "dead-letter queue holds 2 messages",
		},
		{
			name:       "both warn",
			client:     depths(map[string]int{queueURL: 50, dlqURL: 1}, nil),
			spec:       Spec{MaxDepth: depthPtr(5), DLQURL: dlqURL},
			wantValue:  50,
			wantStatus: health.StatusWarn,
			wantOutput: "queue depth 50 above 5; dead-letter queue holds 1 messages",
		},
		{
			name:       "queue does not exist (typed)",
			client:     depths(nil, map[string]error{queueURL: &smithy.OperationError{Err: &types.QueueDoesNotExist{Message: strPtr("The specified queue does not exist.")}}}),
			wantStatus: health.StatusFail,
			wantOutput: health.ClassNotFound,
		},
		{
			name:       "queue does not exist (query code)",
			client:     depths(nil, map[string]error{queueURL: apiErr("AWS.SimpleQueueService.NonExistentQueue")}),
			wantStatus: health.StatusFail,
			wantOutput: health.ClassNotFound,
		},
		{
			name:       "denied",
			client:     depths(nil, map[string]error{queueURL: apiErr("AccessDenied")}),
			wantStatus: health.StatusFail,
			wantOutput: "access denied: sqs:GetQueueAttributes on queue orders",
		},
		{
			name:       "bad credentials",
			client:     depths(nil, map[string]error{queueURL: apiErr("InvalidClientTokenId")}),
			wantStatus: health.StatusFail,
			wantOutput: "access denied: sqs:GetQueueAttributes on queue orders",
		},
		{
			name:       "throttled",
			client:     depths(nil, map[string]error{queueURL: apiErr("RequestThrottled")}),
			wantStatus: health.StatusFail,
			wantOutput: health.ClassThrottled,
		},
		{
			name:       "dlq denied",
			client:     depths(map[string]int{queueURL: 0}, map[string]error{dlqURL: apiErr("AccessDeniedException")}),
			spec:       Spec{DLQURL: dlqURL},
			wantStatus: health.StatusFail,
			wantOutput: "dead-letter queue: access denied: sqs:GetQueueAttributes on queue orders-dlq",
		},
		{
			name: "missing attribute",
			client: &fakeSQS{getQueueAttributes: func(context.Context, *awssqs.GetQueueAttributesInput) (*awssqs.GetQueueAttributesOutput, error) {
				return &awssqs.GetQueueAttributesOutput{}, nil
			}},
			wantStatus: health.StatusFail,
			wantOutput: "invalid response",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := withQueue(tt.spec, tt.client).Probe(context.Background())
			if tt.wantStatus == health.StatusFail {
				if err == nil {
					t.Fatalf("Probe() = %+v, nil; want an error", obs)
				}
				if got := health.Classify(err, time.Second); got != tt.wantOutput {
					t.Errorf("Probe() error class = %q; want %q (error %v)", got, tt.wantOutput, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Probe() error = %v; want nil", err)
			}
			if obs.Value != tt.wantValue || obs.Unit != Unit {
				t.Errorf("Probe() value = %v %q; want %d %q", obs.Value, obs.Unit, tt.wantValue, Unit)
			}
			if obs.Status != tt.wantStatus || obs.Output != tt.wantOutput {
				t.Errorf("Probe() status = %q, output %q; want %q, %q", obs.Status, obs.Output, tt.wantStatus, tt.wantOutput)
			}
		})
	}
}

func TestProbeHonoursContext(t *testing.T) {
	t.Parallel()
	client := &fakeSQS{getQueueAttributes: func(ctx context.Context, _ *awssqs.GetQueueAttributesInput) (*awssqs.GetQueueAttributesOutput, error) {
		<-ctx.Done()
		return nil, &smithy.OperationError{Err: ctx.Err()}
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := withQueue(Spec{DLQURL: dlqURL}, client).Probe(ctx)
	if got := health.Classify(err, 20*time.Millisecond); got != "timeout after 20ms" {
		t.Errorf("Probe() error class = %q; want %q", got, "timeout after 20ms")
	}
}

func strPtr(s string) *string { return &s }

func depthPtr(n int64) *int64 { return &n }

// withQueue is the check of queueURL with the rest of s.
func withQueue(s Spec, client API) health.Check {
	s.QueueURL = queueURL
	return checktest.MustCheck(New(checks.Common{Name: "orders"}, s, client))
}
