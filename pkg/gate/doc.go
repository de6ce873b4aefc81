// Package gate is a CodeDeploy lifecycle hook for Lambda deployments that
// lets a new version take traffic only when its own readiness passes.
//
// For BeforeAllowTraffic it reads the deployment (GetDeployment), finds the
// function, alias and target version in the Lambda AppSpec, invokes that
// version with a synthetic readiness request in the function's own HTTP
// event shape (API Gateway payload 2.0 by default), and requires a 200
// whose status is pass or warn, retrying with backoff inside the hook's
// deadline. For AfterAllowTraffic it sends the same request through the
// alias and also requires that none of the configured CloudWatch alarms is
// in ALARM. It then reports Succeeded or Failed with
// PutLifecycleEventHookExecutionStatus, and logs one line that names the
// failing checks by their safe outputs.
//
// It knows the AWS APIs only through the narrow interfaces it consumes, so
// one gate serves any function that answers the health routes: this
// project's health function, or a team's own function built with pkg/health.
package gate
