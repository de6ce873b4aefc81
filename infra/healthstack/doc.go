// Package healthstack is the CDK (Go) form of the repository's template.yaml.
//
// NewHealth builds the whole product into any stack, from HealthProps whose
// checks may come from the stack's own constructs (TableCheck, QueueCheck,
// BucketCheck, ...): their JSON carries the constructs' tokens, both
// functions are granted the kinds' permissions on the constructs' ARNs, and
// every critical check gets its alarm. NewHealthStack is a Stack that holds
// one Health, with the same logical IDs as before the construct existed.
//
// NewHealthStack builds the same stack as template.yaml from HealthStackProps: the health
// function behind an HTTP API (and optionally a REST API, a Function URL and an
// ALB target group), the scheduled canary, their log groups, one
// least-privilege role per function, the CloudWatch alarms on the canary's
// metrics, a CloudWatch dashboard, and optionally a Route 53 health check for
// DNS failover. Every prop has a template parameter of the same meaning, and
// PropsFromParameters reads props from those parameters' values, which is how
// the CDK app (infra/main.go) takes its settings from context and how
// infra/parity feeds SAM and CDK the same configuration.
package healthstack
