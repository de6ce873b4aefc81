package metrics

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/lambdahealth/lambdahealth/pkg/uptime"
)

// ActionGetMetricData is the IAM action of the status page's history, the
// one call ReadHistory makes. GetMetricData has no resource-level
// permissions and no condition keys: it is granted on "*".
const ActionGetMetricData = "cloudwatch:GetMetricData"

// HistoryPeriod is the period of the history's buckets: one day, so that
// each series is 30 datapoints (CloudWatch reaches 63 days back with any
// period that is a multiple of 300 s, and an emulator computes 30 buckets
// far faster than 720 hourly ones).
const HistoryPeriod = uptime.Day

// maxQueriesPerCall is GetMetricData's limit of queries in one request.
const maxQueriesPerCall = 500

// GetMetricDataAPI is the one CloudWatch call the history makes;
// *cloudwatch.Client fits.
type GetMetricDataAPI interface {
	GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

// HistorySource names the canary's series that a history reads: its
// namespace, the Service and Environment dimensions (Environment
// DefaultEnvironment when empty, as the canary publishes it) and the
// checks.
type HistorySource struct {
	Namespace   string
	Service     string
	Environment string
	Checks      []string
}

// ReadHistory reads the uptime history at now from the canary's metrics:
// one GetMetricData request (more only beyond its 500 queries, 248 checks)
// asking, per day of the last 30 (uptime.Start to uptime.End), the Sum and
// SampleCount of Success for the service and for each check, and the
// Maximum of InMaintenance. Errors are the SDK's, wrapped.
func ReadHistory(ctx context.Context, api GetMetricDataAPI, src HistorySource, now time.Time) (uptime.History, error) {
	if src.Environment == "" {
		src.Environment = DefaultEnvironment
	}
	start, end := uptime.Start(now), uptime.End(now)
	queries := src.queries()
	values := map[string]map[time.Time]float64{}
	for first := 0; first < len(queries); first += maxQueriesPerCall {
		in := &cloudwatch.GetMetricDataInput{
			StartTime:         aws.Time(start),
			EndTime:           aws.Time(end),
			ScanBy:            types.ScanByTimestampAscending,
			MetricDataQueries: queries[first:min(first+maxQueriesPerCall, len(queries))],
		}
		for {
			out, err := api.GetMetricData(ctx, in)
			if err != nil {
				return uptime.History{}, fmt.Errorf("get metric data: %w", err)
			}
			for _, r := range out.MetricDataResults {
				if r.StatusCode == types.StatusCodeForbidden || r.StatusCode == types.StatusCodeInternalError {
					return uptime.History{}, fmt.Errorf("get metric data: query %s: %w", aws.ToString(r.Id), errQueryStatus(r.StatusCode))
				}
				id := aws.ToString(r.Id)
				if values[id] == nil {
					values[id] = map[time.Time]float64{}
				}
				for i, at := range r.Timestamps {
					if i < len(r.Values) {
						values[id][at.UTC()] += r.Values[i]
					}
				}
			}
			if aws.ToString(out.NextToken) == "" {
				break
			}
			in.NextToken = out.NextToken
		}
	}
	checks := make(map[string][]uptime.Bucket, len(src.Checks))
	for i, name := range src.Checks {
		checks[name] = buckets(values, i+1)
	}
	var maintenance []time.Time
	for at, v := range values[maintenanceID] {
		if v >= 1 {
			maintenance = append(maintenance, at)
		}
	}
	return uptime.New(now, buckets(values, 0), checks, maintenance), nil
}

// errQueryStatus is the error of a query whose result CloudWatch refused
// (Forbidden) or could not compute (InternalError).
type errQueryStatus types.StatusCode

func (e errQueryStatus) Error() string { return "status " + string(e) }

// maintenanceID is the query ID of InMaintenance.
const maintenanceID = "maintenance"

// The query IDs of series i (0 the service, i > 0 check i-1): its passing
// runs and its runs.
func passedID(i int) string { return "passed" + strconv.Itoa(i) }
func runsID(i int) string   { return "runs" + strconv.Itoa(i) }

// queries are the history's queries: Success's Sum and SampleCount for the
// service and each check, InMaintenance's Maximum for the service.
func (src HistorySource) queries() []types.MetricDataQuery {
	period := aws.Int32(int32(HistoryPeriod / time.Second))
	query := func(id, metric, stat, check string) types.MetricDataQuery {
		return types.MetricDataQuery{Id: aws.String(id), ReturnData: aws.Bool(true), MetricStat: &types.MetricStat{
			Metric: &types.Metric{Namespace: aws.String(src.Namespace), MetricName: aws.String(metric),
				Dimensions: dimensions(src.Service, src.Environment, check)},
			Period: period, Stat: aws.String(stat),
		}}
	}
	qs := make([]types.MetricDataQuery, 0, 2*len(src.Checks)+3)
	for i, check := range append([]string{""}, src.Checks...) {
		qs = append(qs, query(passedID(i), MetricSuccess, "Sum", check), query(runsID(i), MetricSuccess, "SampleCount", check))
	}
	return append(qs, query(maintenanceID, MetricInMaintenance, "Maximum", ""))
}

// buckets are the daily buckets of series i.
func buckets(values map[string]map[time.Time]float64, i int) []uptime.Bucket {
	passed, runs := values[passedID(i)], values[runsID(i)]
	out := make([]uptime.Bucket, 0, len(runs))
	for at, n := range runs {
		out = append(out, uptime.Bucket{Start: at, Runs: n, Passed: passed[at]})
	}
	return out
}
