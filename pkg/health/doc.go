// Package health is the engine behind the health endpoints: checks, statuses,
// aggregation, request budgets, the per-check cache and the drain and start-up
// state that readiness reports.
//
// It knows nothing of AWS, HTTP or Lambda. A check is data plus a probe
// function; a Checker runs checks in parallel inside one budget, so a check
// that ignores its context can never delay an answer, and shares one in-flight
// run of each check between concurrent callers, so a storm of probes costs at
// most one dependency call per check per cache TTL.
//
// The zero value is the safe value. A Check is critical unless it sets
// Optional, as a HEALTH_CHECKS entry is unless it says "critical": false,
// so a Go literal and the JSON configuration mean the same and a forgotten
// field never hides a failing dependency. A probe's Observation with an
// empty Status passes; one with a Status other than pass, warn and fail
// (a typo such as "WARN") fails with the output "invalid status" rather
// than passing. Ping turns a func(ctx) error such as db.PingContext into a
// Probe:
//
//	checker, err := health.NewChecker([]health.Check{
//		{Name: "orders-db", ComponentType: health.ComponentDatastore, Probe: health.Ping(db.PingContext)},
//	})
//
// A check can be damped (Check.FailAfter, Check.PassAfter: consecutive runs
// before it reports fail, or pass again), and WithStatusListener hears every
// change of the status a check reports, outside the requests.
//
// On a long-running server, a check with an Interval runs in the background
// once (*Checker).Start is called, and requests only read its last result
// (its IETF time is the run's; older than 2 Intervals plus the timeout it
// is reported warn "stale: …"). Inside Lambda, where the process is frozen
// between invocations, the cache and the scheduled canary serve that role.
//
// A result's output is at most MaxOutput bytes, and an observed value that
// JSON cannot carry (NaN, ±Inf) is dropped with a reason in the output.
// Nothing is logged unless WithLogger says where (nil discards, as the
// default does), and a failing log handler never reaches a caller.
package health
