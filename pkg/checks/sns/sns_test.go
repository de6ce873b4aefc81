package sns

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

const topic = "arn:aws:sns:us-east-1:123456789012:orders"

// fakeSNS is a hand-written fake of API: a topic's attributes and its
// subscriptions' ARNs, page by page.
type fakeSNS struct {
	getTopicAttributes func(in *awssns.GetTopicAttributesInput) (*awssns.GetTopicAttributesOutput, error)
	pages              [][]string
	listErr            error
}

func (f fakeSNS) GetTopicAttributes(_ context.Context, in *awssns.GetTopicAttributesInput, _ ...func(*awssns.Options)) (*awssns.GetTopicAttributesOutput, error) {
	return f.getTopicAttributes(in)
}

func (f fakeSNS) ListSubscriptionsByTopic(_ context.Context, in *awssns.ListSubscriptionsByTopicInput, _ ...func(*awssns.Options)) (*awssns.ListSubscriptionsByTopicOutput, error) {
	if f.listErr != nil {
		return nil, f.listErr
	}
	page := 0
	if in.NextToken != nil {
		page, _ = strconv.Atoi(*in.NextToken)
	}
	out := &awssns.ListSubscriptionsByTopicOutput{}
	if page < len(f.pages) {
		for _, arn := range f.pages[page] {
			out.Subscriptions = append(out.Subscriptions, types.Subscription{SubscriptionArn: aws.String(arn)})
		}
	}
	if page+1 < len(f.pages) {
		out.NextToken = aws.String(strconv.Itoa(page + 1))
	}
	return out, nil
}

func confirmed(n string, pages ...[]string) fakeSNS {
	return fakeSNS{getTopicAttributes: func(in *awssns.GetTopicAttributesInput) (*awssns.GetTopicAttributesOutput, error) {
		if *in.TopicArn != topic {
			return nil, checktest.APIError("NotFound")
		}
		return &awssns.GetTopicAttributesOutput{Attributes: map[string]string{"SubscriptionsConfirmed": n}}, nil
	}, pages: pages}
}

func failing(code string) fakeSNS {
	return fakeSNS{getTopicAttributes: func(*awssns.GetTopicAttributesInput) (*awssns.GetTopicAttributesOutput, error) {
		return nil, checktest.APIError(code)
	}}
}

func TestProbe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		client     fakeSNS
		wantStatus health.Status
		wantOutput string
	}{
		{"confirmed subscription", confirmed("2"), health.StatusPass, ""},
		{"nobody listens", confirmed("0"), health.StatusWarn, "no confirmed subscription"},
		{"only pending", confirmed("0", []string{"PendingConfirmation"}), health.StatusWarn, "no confirmed subscription"},
		{"emulator says 0, the list a confirmed one", confirmed("0", []string{"PendingConfirmation"}, []string{topic + ":1b2c"}), health.StatusPass, ""},
		{"list denied", fakeSNS{getTopicAttributes: confirmed("0").getTopicAttributes, listErr: checktest.APIError("AuthorizationError")},
			health.StatusFail, "access denied: sns:ListSubscriptionsByTopic on topic orders"},
		{"missing", failing("NotFound"), health.StatusFail, health.ClassNotFound},
		{"denied", failing("AuthorizationError"), health.StatusFail, "access denied: sns:GetTopicAttributes on topic orders"},
		{"throttled", failing("Throttled"), health.StatusFail, health.ClassThrottled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := checktest.Run(t, checktest.Must(t)(New(checks.Common{Name: "events"}, Spec{TopicARN: topic}, tt.client)), time.Second)
			checktest.Expect(t, o, tt.wantStatus, tt.wantOutput, time.Second)
		})
	}
}

func TestSpec(t *testing.T) {
	t.Parallel()
	if err := (Spec{TopicARN: topic}).Validate(); err != nil {
		t.Errorf("Validate() = %v; want nil", err)
	}
	if err := (Spec{TopicARN: "orders"}).Validate(); err == nil {
		t.Errorf("Validate(not an ARN) = nil; want an error naming topicArn")
	}
	if p := (Spec{TopicARN: topic}).Permissions(); len(p) != 1 || p[0].Resource != topic || len(p[0].Actions) != 2 {
		t.Errorf("Permissions() = %+v", p)
	}
}
