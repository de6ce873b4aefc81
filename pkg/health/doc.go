// Package health is the engine behind the health endpoints: checks, statuses,
// aggregation, request budgets, the per-check cache and the drain and start-up
// state that readiness reports.
//
// It knows nothing of AWS, HTTP or Lambda. A check is data plus a probe
// function; a Checker runs checks in parallel inside one budget, so a check
// that ignores its context can never delay an answer, and shares one in-flight
// run of each check between concurrent callers, so a storm of probes costs at
// most one dependency call per check per cache TTL.
package health
