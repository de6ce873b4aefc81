// Package metrics records health results as CloudWatch metrics: through
// PutMetricData batched within the API's per-call limits, as CloudWatch
// Embedded Metric Format (EMF) lines, or both; and as EMF when
// PutMetricData still fails after the SDK's retries, so that no datapoint
// is lost.
//
// Every run publishes Success (1 pass or warn, 0 fail), Degraded (1 on warn)
// and Duration (Milliseconds), with dimensions Service and Environment for
// the run and Service, Environment and Check for each check.
//
// ReadHistory reads them back with GetMetricData (ActionGetMetricData) as
// the status page's uptime history (package uptime).
package metrics
