// Package settings declares, once, the values of the settings that several
// packages act on: the details policies (HEALTH_DETAILS), the metrics
// modes (HEALTH_METRICS), and the defaults of HEALTH_SERVICE,
// HEALTH_METRICS_NAMESPACE and HEALTH_PAGE_REFRESH. pkg/config reads and validates them,
// pkg/healthhttp, pkg/metrics and pkg/canary act on them, and infra/
// writes them into the stack.
//
// It imports only the standard library's time, so that each of those packages may import it without
// linking another: pkg/config must link no SDK client (pkg/metrics does)
// and the canary no HTTP front (pkg/healthhttp).
package settings

import "time"

// Details says who is shown the per-check details of a response.
type Details string

// The details policies.
const (
	// DetailsNever shows every caller the status only.
	DetailsNever Details = "never"
	// DetailsAuthorized shows details to callers that present the token or
	// come through an IAM-authorized route. It is the default.
	DetailsAuthorized Details = "authorized"
	// DetailsAlways shows details to every caller.
	DetailsAlways Details = "always"
)

// The metrics modes: how the canary publishes its datapoints.
const (
	// MetricsAPI calls CloudWatch's PutMetricData. It is the default.
	MetricsAPI = "api"
	// MetricsEMF writes CloudWatch Embedded Metric Format lines to stdout.
	MetricsEMF = "emf"
	// MetricsBoth does both.
	MetricsBoth = "both"
)

// DefaultMetricsNamespace is the CloudWatch namespace of the canary's
// metrics when none is configured.
const DefaultMetricsNamespace = "ServiceHealth"

// DefaultPageRefresh is how often the HTML status page asks the browser to
// reload it (HEALTH_PAGE_REFRESH, the Refresh header) when none is
// configured.
const DefaultPageRefresh = 10 * time.Second

// DefaultService is the service's name (the Service dimension, the
// serviceId) when none is configured and none can be derived.
const DefaultService = "health"
