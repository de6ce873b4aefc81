// Package uptime is the history of a service's health over time: the share
// of canary runs that passed over the last 24 hours, 7 days and 30 days,
// for the service and for each check, and a strip of 30 daily figures with
// the days that held maintenance marked.
//
// It knows nothing of AWS. The figures are computed by New from daily
// buckets of runs (24 hours each, the last one ending at the next full
// hour, so that "24 hours" is the last bucket, "7 days" the last seven),
// which a reader (pkg/metrics reads CloudWatch's GetMetricData on the
// canary's metrics) fills; Cache keeps the last read
// for a TTL and shares one read between concurrent callers, so that any
// number of viewers costs one read per TTL.
package uptime
