package metrics

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// fakeCloudWatch keeps what PutMetricData receives and answers
// GetMetricData's MetricStat queries over it with Sum, SampleCount and
// Maximum, as CloudWatch does, one query's result per page.
type fakeCloudWatch struct {
	mu     sync.Mutex
	points []point
	calls  []*cloudwatch.GetMetricDataInput
	status types.StatusCode
}

type point struct {
	key   string
	at    time.Time
	value float64
}

func metricKey(namespace, name string, dims []types.Dimension) string {
	k := namespace + "|" + name
	for _, d := range dims {
		k += "|" + aws.ToString(d.Name) + "=" + aws.ToString(d.Value)
	}
	return k
}

func (f *fakeCloudWatch) PutMetricData(_ context.Context, in *cloudwatch.PutMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricDataOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range in.MetricData {
		f.points = append(f.points, point{metricKey(aws.ToString(in.Namespace), aws.ToString(d.MetricName), d.Dimensions), aws.ToTime(d.Timestamp), aws.ToFloat64(d.Value)})
	}
	return &cloudwatch.PutMetricDataOutput{}, nil
}

func (f *fakeCloudWatch) GetMetricData(_ context.Context, in *cloudwatch.GetMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, in)
	next := 0
	if in.NextToken != nil {
		next, _ = strconv.Atoi(*in.NextToken)
	}
	q := in.MetricDataQueries[next]
	ms := q.MetricStat
	key := metricKey(aws.ToString(ms.Metric.Namespace), aws.ToString(ms.Metric.MetricName), ms.Metric.Dimensions)
	period := time.Duration(aws.ToInt32(ms.Period)) * time.Second
	agg := map[time.Time][]float64{}
	for _, p := range f.points {
		if p.key == key && !p.at.Before(*in.StartTime) && p.at.Before(*in.EndTime) {
			b := in.StartTime.Add(p.at.Sub(*in.StartTime) / period * period)
			agg[b] = append(agg[b], p.value)
		}
	}
	res := types.MetricDataResult{Id: q.Id, StatusCode: types.StatusCodeComplete}
	if f.status != "" {
		res.StatusCode = f.status
	}
	for b, vs := range agg {
		v := 0.0
		switch aws.ToString(ms.Stat) {
		case "Sum":
			for _, x := range vs {
				v += x
			}
		case "SampleCount":
			v = float64(len(vs))
		case "Maximum":
			v = slices.Max(vs)
		}
		res.Timestamps, res.Values = append(res.Timestamps, b), append(res.Values, v)
	}
	out := &cloudwatch.GetMetricDataOutput{MetricDataResults: []types.MetricDataResult{res}}
	if next+1 < len(in.MetricDataQueries) {
		out.NextToken = aws.String(strconv.Itoa(next + 1))
	}
	return out, nil
}

// TestHistoryReadsWhatTheCanaryPublished publishes two days of canary runs
// through the Publisher and reads them back: the figures are the shares of
// the runs that passed.
func TestHistoryReadsWhatTheCanaryPublished(t *testing.T) {
	cw := &fakeCloudWatch{}
	pub, err := NewPublisher(cw, WithNamespace("Orders/Health"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 12, 0, 30, 0, time.UTC)
	// One run every 10 minutes for 48 hours: db fails the runs at minute
	// 0 of each hour of the last 24 hours; the service fails with it.
	// Maintenance was on 30 hours ago.
	// The last 24 hours are the current hour and the 23 before it: the day
	// that ends at the next full hour.
	since := now.Truncate(time.Hour).Add(-23 * time.Hour)
	var runs24h, failed24h float64
	for at := now.Add(-48 * time.Hour); at.Before(now); at = at.Add(10 * time.Minute) {
		status := health.StatusPass
		if now.Sub(at) <= 24*time.Hour && at.Minute() == 0 {
			status = health.StatusFail
		}
		if !at.Before(since) {
			runs24h++
			if status == health.StatusFail {
				failed24h++
			}
		}
		rep := health.Report{Status: status, Results: []health.Result{{Name: "db", Status: status}, {Name: "queue", Status: health.StatusWarn}}}
		b := FromReport("orders", "", at, time.Millisecond, rep)
		b.Data = append(b.Data, InMaintenance(now.Sub(at) > 30*time.Hour && now.Sub(at) <= 31*time.Hour))
		if err := pub.Publish(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	h, err := ReadHistory(context.Background(), cw, HistorySource{Namespace: "Orders/Health", Service: "orders", Checks: []string{"db", "queue", "never-ran"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(cw.calls) != 9 {
		t.Errorf("%d GetMetricData calls; want 9, one per query (the fake answers one query a page)", len(cw.calls))
	}
	in := cw.calls[0]
	if got, want := aws.ToTime(in.EndTime), time.Date(2026, 12, 7, 13, 0, 0, 0, time.UTC); !got.Equal(want) || !aws.ToTime(in.StartTime).Equal(want.Add(-30*24*time.Hour)) {
		t.Errorf("window %v .. %v; want the 30 days of hours up to %v", in.StartTime, got, want)
	}
	for _, q := range in.MetricDataQueries {
		if aws.ToInt32(q.MetricStat.Period) != 86400 || q.MetricStat.Metric.Dimensions[1].Value == nil || *q.MetricStat.Metric.Dimensions[1].Value != DefaultEnvironment {
			t.Errorf("query %s: period %d, dimensions %v; want 86400 and Environment %q", *q.Id, aws.ToInt32(q.MetricStat.Period), q.MetricStat.Metric.Dimensions, DefaultEnvironment)
		}
	}
	// The last day: 23 hours of 6 runs, 1 failed in each, and the current
	// hour's 0.
	if runs24h != 138 || failed24h != 23 {
		t.Fatalf("the test published %v runs, %v failed, in the last 24 hours; want 138, 23", runs24h, failed24h)
	}
	want24h := float64(int64((1-failed24h/runs24h)*1e6)) / 1e6
	for name, s := range map[string]*float64{"service": h.Service.Last24h, "db": h.Checks["db"].Last24h} {
		if s == nil || *s != want24h {
			t.Errorf("%s last24h = %v; want %v", name, s, want24h)
		}
	}
	if s := h.Checks["queue"].Last7d; s == nil || *s != 1 {
		t.Errorf("queue (warn) last7d = %v; want 1: warn counts as passing", s)
	}
	if s := h.Checks["never-ran"]; s.Last30d != nil {
		t.Errorf("never-ran last30d = %v; want none", *s.Last30d)
	}
	var marked []string
	for _, d := range h.Days {
		if d.Maintenance {
			marked = append(marked, d.End.Format(time.RFC3339))
		}
	}
	// 30 hours ago is in the day that ended 24 hours before the next full hour.
	if !slices.Equal(marked, []string{"2026-12-06T13:00:00Z"}) {
		t.Errorf("maintenance days = %v; want the one ending 2026-12-06T13:00:00Z", marked)
	}
}

// TestHistoryQueryRefused: a result CloudWatch refused is an error, not an
// empty history that would read as "no runs".
func TestHistoryQueryRefused(t *testing.T) {
	cw := &fakeCloudWatch{status: types.StatusCodeForbidden}
	_, err := ReadHistory(context.Background(), cw, HistorySource{Namespace: "n", Service: "s"}, time.Now())
	var status errQueryStatus
	if !errors.As(err, &status) {
		t.Errorf("ReadHistory = %v; want a query status error", err)
	}
}

// TestHistoryQueriesInOneRequest: the service and 248 checks take one
// request of at most 500 queries and 100,800 datapoints.
func TestHistoryQueriesInOneRequest(t *testing.T) {
	checks := make([]string, 248)
	for i := range checks {
		checks[i] = "check-" + strconv.Itoa(i)
	}
	qs := HistorySource{Namespace: "n", Service: "s", Checks: checks}.queries()
	if points := len(qs) * int(30*24*time.Hour/HistoryPeriod); len(qs) > maxQueriesPerCall || points > 100800 {
		t.Errorf("%d queries, %d datapoints; want at most 500 and 100800", len(qs), points)
	}
}
