package health

import (
	"context"
	"time"
)

// Component types of the IETF draft, for Check.ComponentType.
const (
	ComponentDatastore = "datastore"
	ComponentComponent = "component"
	ComponentSystem    = "system"
)

// MeasurementResponseTime is the default measurement name of a check.
const MeasurementResponseTime = "responseTime"

// Observation is what a probe saw when it did not fail.
//
// A zero Observation means "pass", and the engine reports the probe's
// response time in milliseconds. A probe that measures something else
// (queue depth, say) sets Value and Unit; one that is degraded sets Status to
// StatusWarn and Output to a short, safe reason. A Status other than "",
// StatusPass, StatusWarn and StatusFail (such as "WARN" or "ok") is a bug in
// the probe and is reported as StatusFail with the output
// ClassInvalidStatus, never read as a pass.
type Observation struct {
	Value  any
	Unit   string
	Status Status
	Output string
}

// Probe asks a dependency whether it is healthy. It should return when ctx is
// done; the engine does not wait for it if it does not.
type Probe func(ctx context.Context) (Observation, error)

// Ping adapts a function that only reports an error to a Probe: nil is a
// pass, timed by the engine, and an error is a fail. (*sql.DB).PingContext
// fits as it is; a go-redis client's Ping returns a command, whose Err
// gives the error:
//
//	health.Check{Name: "orders-db", Probe: health.Ping(db.PingContext)}
//	health.Check{Name: "cache", Probe: health.Ping(func(ctx context.Context) error { return rdb.Ping(ctx).Err() })}
//
// Ping(nil) is a nil Probe, which NewChecker rejects.
func Ping(ping func(ctx context.Context) error) Probe {
	if ping == nil {
		return nil
	}
	return func(ctx context.Context) (Observation, error) { return Observation{}, ping(ctx) }
}

// Check is one dependency check: data plus a probe.
type Check struct {
	// Name identifies the check in routes, results and metrics. Required,
	// unique within a Checker.
	Name string
	// ComponentType is the IETF componentType; ComponentComponent if empty.
	ComponentType string
	// Measurement names what observedValue measures; MeasurementResponseTime
	// if empty. The result is keyed "<Name>:<Measurement>".
	Measurement string
	// Optional checks are left out of readiness, and when one fails it only
	// degrades the overall status to warn. The zero value, false, makes a
	// check critical: it fails readiness and the overall status when it
	// fails, as "critical" defaults to true in HEALTH_CHECKS, so a check
	// that forgets to say is never silently ignored.
	Optional bool
	// Timeout caps one run of the probe; the request budget caps it further.
	// Zero means the Checker's budget.
	Timeout time.Duration
	// Interval, when positive, makes the check a background check: once
	// (*Checker).Start runs, the probe runs on start and then every
	// Interval, each run inside Timeout, and requests read its last result
	// without ever probing. A result older than 2 Intervals plus the
	// timeout is reported as warn "stale: last run …". Zero means on
	// demand: requests run the probe, cached for the Checker's TTL.
	Interval time.Duration
	// FailAfter is how many consecutive failed runs it takes before the
	// check reports fail; until then a failed run reports warn
	// "failing (n of FailAfter): <output>". Zero (or 1) means at once.
	FailAfter int
	// PassAfter is how many consecutive passing runs it takes before a
	// check that reports fail reports pass again; until then it reports fail
	// "recovering (n of PassAfter)". Zero (or 1) means at once. Runs are
	// counted, not cache reads, in the Checker (the warm instance).
	PassAfter int
	// Probe does the work. Required.
	Probe Probe

	// unknown, when set, makes every failure of the check (an error, a
	// panic, a timeout of the run or of a caller's wait) a warn
	// "<unknown> (<class>)" instead of a fail. WithDrain sets it: a drain
	// state that cannot be read must never take readiness down.
	unknown string
}

// Key returns the IETF checks-map key, "<component>:<measurement>".
func (c Check) Key() string {
	m := c.Measurement
	if m == "" {
		m = MeasurementResponseTime
	}
	return c.Name + ":" + m
}

// Result is the outcome of one check run.
type Result struct {
	Name          string
	Key           string
	ComponentType string
	// Optional is the check's Check.Optional: its failure only degrades
	// the overall status to warn (the JSON configuration's "critical":
	// false).
	Optional      bool
	Status        Status
	ObservedValue any
	ObservedUnit  string
	// Output is safe to show callers: empty on pass, a short class otherwise,
	// at most MaxOutput bytes.
	Output string
	// Err is the internal error, for logs only. Never render it.
	Err error
	// Time is when the probe finished (or was given up on): a cached or
	// background result keeps the time of its run.
	Time time.Time
	// Duration is how long the probe ran, or how long it was waited for.
	Duration time.Duration
	// Cached is true when the result came from the cache.
	Cached bool

	// suspended marks a run that ended far past its limit: the process
	// was frozen, and its timeouts say nothing about the dependency.
	suspended bool
}

// Report is the outcome of a set of checks.
type Report struct {
	Status  Status
	Output  string
	Results []Result
}
