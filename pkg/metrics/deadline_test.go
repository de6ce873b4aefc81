package metrics

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
)

// hungAPI is a CloudWatch that never answers: its calls end only when
// their context does.
type hungAPI struct{}

func (hungAPI) PutMetricData(ctx context.Context, _ *cloudwatch.PutMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricDataOutput, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestHungAPIKeepsTimeForEMF: with CloudWatch hung, PutMetricData gets only
// a share of the time left, and the EMF fallback is written before ctx's
// deadline (a Lambda invocation's end), at least EMFReserve before it (or
// at once, when less is left). The clock is a synctest bubble's, so no
// scheduling noise is forgiven.
func TestHungAPIKeepsTimeForEMF(t *testing.T) {
	tests := []struct {
		name string
		left time.Duration
	}{
		{"deadline sooner than the API timeout", 2 * time.Second},
		{"deadline shorter than the reserve", EMFReserve / 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var emf checktest.LockedBuffer
				p, err := NewPublisher(hungAPI{}, WithEMFWriter(&emf))
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), tt.left)
				defer cancel()
				deadline, _ := ctx.Deadline()
				if err := p.Publish(ctx, FromReport("orders", "prod", at, time.Second, reportOf(3))); err != nil {
					t.Fatalf("Publish = %v; want nil (EMF took the data)", err)
				}
				if emf.String() == "" {
					t.Fatal("no EMF written")
				}
				early := deadline.Sub(emf.FirstWrite())
				t.Logf("EMF written %v before the deadline", early.Round(time.Millisecond))
				if want := min(EMFReserve, tt.left); early < want {
					t.Errorf("EMF written %v before the deadline; want >= %v", early, want)
				}
			})
		})
	}
}

// TestHungAPIWithoutDeadline: with no deadline at all, PutMetricData still
// gives up after the API timeout and the data goes to EMF.
func TestHungAPIWithoutDeadline(t *testing.T) {
	var emf checktest.LockedBuffer
	p, err := NewPublisher(hungAPI{}, WithEMFWriter(&emf), WithAPITimeout(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- p.Publish(context.Background(), FromReport("orders", "prod", at, time.Second, reportOf(3)))
	}()
	select {
	case err := <-done:
		if err != nil || emf.String() == "" {
			t.Errorf("Publish = %v with EMF %q; want nil and the data as EMF", err, emf.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Publish still waiting on a hung API after 5s; want it to give up after the 200ms API timeout")
	}
}
