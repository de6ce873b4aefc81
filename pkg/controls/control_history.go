//go:build !kinds || control_history

package controls

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/metrics"
	"github.com/lambdahealth/lambdahealth/pkg/uptime"
)

func init() {
	historyFrom = func(cfg config.Config, awsConfig func() (aws.Config, error)) func(ctx context.Context) (uptime.History, error) {
		var (
			mu  sync.Mutex
			api metrics.GetMetricDataAPI
		)
		// The client is made on the first read, not at start-up: only a
		// page view or ?history=1 needs it.
		client := func() (metrics.GetMetricDataAPI, error) {
			mu.Lock()
			defer mu.Unlock()
			if api == nil {
				loaded, err := awsConfig()
				if err != nil {
					return nil, health.WithClass(checks.AWSConfigProblem, err)
				}
				api = cloudwatch.NewFromConfig(awscheck.WithCheckRetries(loaded))
			}
			return api, nil
		}
		src := HistorySourceOf(cfg)
		return func(ctx context.Context) (uptime.History, error) {
			api, err := client()
			if err != nil {
				return uptime.History{}, err
			}
			return ReadHistory(ctx, api, src, time.Now())
		}
	}
}

// HistorySourceOf names the canary's series of the service cfg configures:
// its namespace, Service and Environment, and its checks.
func HistorySourceOf(cfg config.Config) metrics.HistorySource {
	src := metrics.HistorySource{Namespace: cfg.MetricsNamespace, Service: cfg.Service, Environment: cfg.Environment}
	for _, c := range cfg.Checks {
		src.Checks = append(src.Checks, c.Name)
	}
	return src
}

// ReadHistory reads the history of src with api (metrics.ReadHistory),
// its errors safe classes only: "access denied: cloudwatch:GetMetricData",
// "throttled", or the network's and the deadline's, which health.Classify
// names ("connection refused", "timeout"); never AWS's message.
func ReadHistory(ctx context.Context, api metrics.GetMetricDataAPI, src metrics.HistorySource, now time.Time) (uptime.History, error) {
	h, err := metrics.ReadHistory(ctx, api, src, now)
	if err == nil {
		return h, nil
	}
	if awserr.Class(err) == health.ClassDenied {
		return h, health.WithClass(awserr.DeniedClass(metrics.ActionGetMetricData, ""), err)
	}
	return h, awserr.Classify(err)
}
