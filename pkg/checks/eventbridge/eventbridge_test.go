package eventbridge

import (
	"context"
	"testing"
	"time"

	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

type fakeEvents func(in *awsevents.DescribeEventBusInput) (*awsevents.DescribeEventBusOutput, error)

func (f fakeEvents) DescribeEventBus(_ context.Context, in *awsevents.DescribeEventBusInput, _ ...func(*awsevents.Options)) (*awsevents.DescribeEventBusOutput, error) {
	return f(in)
}

func TestProbe(t *testing.T) {
	t.Parallel()
	var asked string
	ok := fakeEvents(func(in *awsevents.DescribeEventBusInput) (*awsevents.DescribeEventBusOutput, error) {
		asked = *in.Name
		return &awsevents.DescribeEventBusOutput{Name: in.Name}, nil
	})
	failing := func(code string) fakeEvents {
		return func(*awsevents.DescribeEventBusInput) (*awsevents.DescribeEventBusOutput, error) {
			return nil, checktest.APIError(code)
		}
	}
	tests := []struct {
		name       string
		bus        string
		client     fakeEvents
		wantStatus health.Status
		wantOutput string
	}{
		{"default bus", "", ok, health.StatusPass, ""},
		{"named bus", "orders", ok, health.StatusPass, ""},
		{"missing", "orders", failing("ResourceNotFoundException"), health.StatusFail, health.ClassNotFound},
		{"denied", "orders", failing("AccessDeniedException"), health.StatusFail, "access denied: events:DescribeEventBus on event-bus/orders"},
		{"throttled", "orders", failing("ThrottlingException"), health.StatusFail, health.ClassThrottled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked = ""
			o := checktest.Run(t, checktest.Must(t)(New(checks.Common{Name: "bus"}, Spec{EventBus: tt.bus}, tt.client)), time.Second)
			checktest.Expect(t, o, tt.wantStatus, tt.wantOutput, time.Second)
			if want := (Spec{EventBus: tt.bus}).bus(); tt.wantStatus == health.StatusPass && asked != want {
				t.Errorf("DescribeEventBus(%q); want %q", asked, want)
			}
		})
	}
	if p := (Spec{}).Permissions(); p[0].Resource != "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default" {
		t.Errorf("Permissions() = %+v", p)
	}
}
