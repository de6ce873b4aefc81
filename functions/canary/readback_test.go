package main

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// readback reads back from LocalStack's CloudWatch what one canary run
// published.
type readback struct {
	cw                              *cloudwatch.Client
	namespace, service, environment string
	since                           time.Time
}

// want is one per-check datapoint a run must have published; want -1 means
// any positive value.
type want struct {
	check, metric string
	unit          types.StandardUnit
	value         float64
}

// stats returns the one datapoint of metric for check ("" for the run)
// published with unit.
func (r readback) stats(t *testing.T, check, metric string, unit types.StandardUnit) types.Datapoint {
	t.Helper()
	dims := []types.Dimension{{Name: aws.String("Service"), Value: aws.String(r.service)},
		{Name: aws.String("Environment"), Value: aws.String(r.environment)}}
	if check != "" {
		dims = append(dims, types.Dimension{Name: aws.String("Check"), Value: aws.String(check)})
	}
	out, err := r.cw.GetMetricStatistics(context.Background(), &cloudwatch.GetMetricStatisticsInput{
		Namespace: aws.String(r.namespace), MetricName: aws.String(metric), Dimensions: dims,
		StartTime: aws.Time(r.since), EndTime: aws.Time(time.Now().Add(time.Minute)), Period: aws.Int32(60),
		Statistics: []types.Statistic{types.StatisticMaximum, types.StatisticSum, types.StatisticSampleCount}, Unit: unit,
	})
	if err != nil {
		t.Fatalf("GetMetricStatistics(%s/%s): %v", check, metric, err)
	}
	if len(out.Datapoints) != 1 {
		t.Fatalf("%s/%s: %d datapoints; want 1", check, metric, len(out.Datapoints))
	}
	dp := out.Datapoints[0]
	if dp.Unit != unit {
		t.Errorf("%s/%s: unit %q; want %q", check, metric, dp.Unit, unit)
	}
	return dp
}

// expect checks per-check datapoints: exact dimension sets, one sample each.
func (r readback) expect(t *testing.T, wants []want) {
	t.Helper()
	for _, w := range wants {
		dp := r.stats(t, w.check, w.metric, w.unit)
		got := aws.ToFloat64(dp.Maximum)
		if aws.ToFloat64(dp.SampleCount) != 1 || (w.value >= 0 && got != w.value) || (w.value < 0 && got <= 0) {
			t.Errorf("%s/%s = %v over %v samples; want %v over 1", w.check, w.metric, got, aws.ToFloat64(dp.SampleCount), w.value)
		}
	}
}

// runValue returns the run's own value of metric. Real CloudWatch matches
// dimension sets exactly; LocalStack 4.14 also folds in every metric whose
// dimensions are a superset (the per-check ones), so the run's value is the
// sum minus the per-check values, which the caller has asserted.
func (r readback) runValue(t *testing.T, metric string, perChecks float64) float64 {
	t.Helper()
	return aws.ToFloat64(r.stats(t, "", metric, types.StandardUnitNone).Sum) - perChecks
}
