// Package uptime is the history of a service's health over time: the share
// of canary runs that passed over the last 24 hours, 7 days and 30 days,
// for the service and for each check, and a 30-day strip of daily figures
// with the days that held maintenance marked.
//
// It knows nothing of AWS. The figures are computed by New from hourly
// buckets of runs, which a reader (pkg/metrics reads CloudWatch's
// GetMetricData on the canary's metrics) fills; Cache keeps the last read
// for a TTL and shares one read between concurrent callers, so that any
// number of viewers costs one read per TTL.
package uptime
