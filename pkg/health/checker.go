package health

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/lambdahealth/lambdahealth/internal/safelog"
)

// Defaults of the Checker's options.
const (
	DefaultBudget         = 2 * time.Second
	DefaultDeadlineMargin = 100 * time.Millisecond
	DefaultCacheTTL       = 5 * time.Second
)

// Names reserved for the readiness pseudo-checks.
const (
	DrainCheckName   = "drain"
	StartupCheckName = "startup"
)

// ErrUnknownCheck is returned by One for a name no check has.
var ErrUnknownCheck = errors.New("unknown check")

// ErrInvalidCheck is returned by NewChecker for a check it cannot run.
var ErrInvalidCheck = errors.New("invalid check")

// ErrInvalidOption is returned by NewChecker for an option it cannot use;
// the error names the option.
var ErrInvalidOption = errors.New("invalid option")

// Checker runs checks inside a request budget, caches their results and
// shares in-flight runs between concurrent callers. It is safe for
// concurrent use; build one per process and reuse it across requests.
type Checker struct {
	checks   []Check
	index    map[string]int
	budget   time.Duration
	margin   time.Duration
	ttl      time.Duration
	grace    time.Duration
	drain    *Check
	logger   *slog.Logger
	now      func() time.Time
	started  time.Time
	draining atomic.Bool

	mu    sync.Mutex
	cache map[string]Result
	group singleflight.Group

	flaps     flaps
	listeners []func(StatusChange)

	// optErrs are the options' problems, which NewChecker returns.
	optErrs []error

	// bg holds the background runs of the checks with an Interval.
	bg background
}

// Option configures a Checker.
type Option func(*Checker)

// optionError is the problem of an option, named as the caller wrote it.
func optionError(option, problem string) error {
	return fmt.Errorf("%s: %s: %w", option, problem, ErrInvalidOption)
}

// duration sets *dst to d, or notes the option's problem when d is negative.
func duration(option string, d time.Duration, dst func(*Checker) *time.Duration) Option {
	return func(c *Checker) {
		if d < 0 {
			c.optErrs = append(c.optErrs, optionError(fmt.Sprintf("%s(%s)", option, d), "must not be negative"))
			return
		}
		*dst(c) = d
	}
}

// WithBudget sets the longest a request may spend on checks; it must be
// positive. Default DefaultBudget (2s).
func WithBudget(d time.Duration) Option { return func(c *Checker) { c.budget = d } }

// WithDeadlineMargin sets how much of a context deadline (such as Lambda's)
// is kept back to write the response; NewChecker rejects a negative one.
// Default DefaultDeadlineMargin (100ms).
func WithDeadlineMargin(d time.Duration) Option {
	return duration("WithDeadlineMargin", d, func(c *Checker) *time.Duration { return &c.margin })
}

// WithCacheTTL sets how long a check's result is reused; zero turns the
// cache off (in-flight runs are still shared), and NewChecker rejects a
// negative one. Default DefaultCacheTTL (5s).
func WithCacheTTL(d time.Duration) Option {
	return duration("WithCacheTTL", d, func(c *Checker) *time.Duration { return &c.ttl })
}

// WithStartupGrace makes readiness fail with "starting up" for d after the
// Checker is built; NewChecker rejects a negative d. Default 0 (no grace).
func WithStartupGrace(d time.Duration) Option {
	return duration("WithStartupGrace", d, func(c *Checker) *time.Duration { return &c.grace })
}

// WithLogger sets the structured logger of check runs: one line per run
// (info on pass, warn otherwise) with the safe output, and the check's
// internal error (Result.Err) only at debug level. nil discards. A panic
// in its handler loses the line, never the answer. Default: discard (a
// library writes nothing into an application's logs unasked; pass
// slog.Default() to see the runs).
func WithLogger(l *slog.Logger) Option {
	return func(c *Checker) { c.logger = safelog.Logger(l) }
}

// WithDrain adds a drain source to readiness: when draining returns true,
// readiness fails with "draining". Its answer is cached like a check's. When
// it cannot be read, for whatever reason (an error, a panic, a timeout of
// its run or of the caller's wait), readiness is kept and reported as warn
// "drain state unknown (<class>)", such as "drain state unknown (timeout
// after 2s)", so an outage of the drain store cannot take a fleet out of
// rotation. Default: no drain source (SetDraining still works).
func WithDrain(draining func(ctx context.Context) (bool, error)) Option {
	return func(c *Checker) {
		if draining == nil {
			c.optErrs = append(c.optErrs, optionError("WithDrain(nil)", "needs a function; leave the option out for no drain source"))
			return
		}
		c.drain = &Check{
			Name:          DrainCheckName,
			ComponentType: ComponentSystem,
			Measurement:   "draining",
			unknown:       "drain state unknown",
			Probe: func(ctx context.Context) (Observation, error) {
				d, err := draining(ctx)
				if err != nil {
					return Observation{}, err
				}
				if d {
					return Observation{Value: true, Status: StatusFail, Output: "draining"}, nil
				}
				return Observation{Value: false}, nil
			},
		}
	}
}

// withClock replaces time.Now, for tests.
func withClock(now func() time.Time) Option { return func(c *Checker) { c.now = now } }

// NewChecker validates checks and returns a Checker that runs them.
func NewChecker(checks []Check, opts ...Option) (*Checker, error) {
	c := &Checker{
		index:  make(map[string]int, len(checks)),
		budget: DefaultBudget,
		margin: DefaultDeadlineMargin,
		ttl:    DefaultCacheTTL,
		logger: safelog.Logger(nil),
		now:    time.Now,
		cache:  make(map[string]Result),
	}
	for _, o := range opts {
		o(c)
	}
	if c.budget <= 0 {
		c.optErrs = append(c.optErrs, optionError(fmt.Sprintf("WithBudget(%s)", c.budget), "must be positive"))
	}
	if len(c.optErrs) > 0 {
		return nil, errors.Join(c.optErrs...)
	}
	for i, ch := range checks {
		switch {
		case ch.Name == "":
			return nil, fmt.Errorf("check %d: name is empty: %w", i, ErrInvalidCheck)
		case !ValidName(ch.Name):
			return nil, fmt.Errorf("check %q: name must be %s: %w", ch.Name, NameRule, ErrInvalidCheck)
		case ch.Name == DrainCheckName || ch.Name == StartupCheckName:
			return nil, fmt.Errorf("check %q: name is reserved: %w", ch.Name, ErrInvalidCheck)
		case ch.Probe == nil:
			return nil, fmt.Errorf("check %q: probe is nil: %w", ch.Name, ErrInvalidCheck)
		case ch.Timeout < 0:
			return nil, fmt.Errorf("check %q: negative timeout: %w", ch.Name, ErrInvalidCheck)
		case ch.FailAfter < 0 || ch.PassAfter < 0:
			return nil, fmt.Errorf("check %q: negative FailAfter or PassAfter: %w", ch.Name, ErrInvalidCheck)
		case ch.Interval < 0:
			return nil, fmt.Errorf("check %q: negative Interval: %w", ch.Name, ErrInvalidCheck)
		}
		if _, dup := c.index[ch.Name]; dup {
			return nil, fmt.Errorf("check %q: duplicate name: %w", ch.Name, ErrInvalidCheck)
		}
		if ch.ComponentType == "" {
			ch.ComponentType = ComponentComponent
		}
		c.index[ch.Name] = len(c.checks)
		c.checks = append(c.checks, ch)
	}
	c.flaps.states = make(map[string]*flapState)
	if len(c.listeners) > 0 {
		d := &dispatcher{listeners: c.listeners, logger: c.logger}
		c.flaps.notify = d.send
	}
	c.started = c.now()
	c.bg.init(c.checks)
	return c, nil
}

// SetDraining forces readiness to fail (true) or lifts that (false), for
// example while a server shuts down.
func (c *Checker) SetDraining(d bool) { c.draining.Store(d) }

type budgetCapKey struct{}

// WithBudgetCap returns a context in which requests spend at most d on
// checks: a caller's own deadline, such as a ?timeout= query parameter. It
// can only shorten the budget, and unlike a context deadline it does not
// bound the shared runs of the checks, so one impatient caller never cuts
// another caller's answer short.
func WithBudgetCap(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, budgetCapKey{}, d)
}

// Deadline returns the time by which a request with ctx must have its
// checks answered: the earliest of now plus the budget, now plus the
// caller's cap (WithBudgetCap), and ctx's deadline minus the margin.
func (c *Checker) Deadline(ctx context.Context) time.Time {
	return c.deadlineFrom(ctx, c.now())
}

func (c *Checker) deadlineFrom(ctx context.Context, now time.Time) time.Time {
	d := now.Add(c.budget)
	if capped, ok := ctx.Value(budgetCapKey{}).(time.Duration); ok && now.Add(capped).Before(d) {
		d = now.Add(capped)
	}
	if dl, ok := c.workDeadline(ctx); ok && dl.Before(d) {
		d = dl
	}
	return d
}

// workDeadline is ctx's deadline minus the margin: the time by which the
// process must have written its answer (in Lambda, the invocation's end).
func (c *Checker) workDeadline(ctx context.Context) (time.Time, bool) {
	dl, ok := ctx.Deadline()
	return dl.Add(-c.margin), ok
}

// All runs every check and aggregates them.
func (c *Checker) All(ctx context.Context) Report {
	return c.run(ctx, c.checks)
}

// Ready runs the critical checks, the drain source and the start-up state.
func (c *Checker) Ready(ctx context.Context) Report {
	checks := make([]Check, 0, len(c.checks)+1)
	for _, ch := range c.checks {
		if !ch.Optional {
			checks = append(checks, ch)
		}
	}
	if c.drain != nil {
		checks = append(checks, *c.drain)
	}
	rep := c.run(ctx, checks)
	var extra []Result
	now := c.now()
	if c.grace > 0 && now.Sub(c.started) < c.grace {
		extra = append(extra, c.stateResult(StartupCheckName, "startup:state", "starting up", now))
	}
	if c.draining.Load() {
		extra = append(extra, c.stateResult(DrainCheckName, "drain:draining", "draining", now))
	}
	if len(extra) > 0 {
		rep.Results = append(rep.Results, extra...)
		rep.Status = Aggregate(rep.Results)
		rep.Output = summarize(rep.Results)
	}
	return rep
}

func (c *Checker) stateResult(name, key, output string, now time.Time) Result {
	return Result{Name: name, Key: key, ComponentType: ComponentSystem,
		Status: StatusFail, Output: output, Time: now}
}

// One runs the named check.
func (c *Checker) One(ctx context.Context, name string) (Result, error) {
	i, ok := c.index[name]
	if !ok {
		return Result{}, fmt.Errorf("check %q: %w", name, ErrUnknownCheck)
	}
	rep := c.run(ctx, c.checks[i:i+1])
	return rep.Results[0], nil
}

// run runs checks in parallel and returns by the request deadline whatever
// the probes do.
func (c *Checker) run(ctx context.Context, checks []Check) Report {
	start := c.now()
	deadline := c.deadlineFrom(ctx, start)
	results := make([]Result, len(checks))
	var wg sync.WaitGroup
	for i := range checks {
		if checks[i].Interval > 0 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = c.last(ctx, checks[i], deadline)
			}()
			continue
		}
		if r, ok := c.cached(checks[i].Name); ok {
			results[i] = r // answered from the cache, no goroutine needed
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = c.await(ctx, checks[i], start, deadline)
		}()
	}
	wg.Wait()
	return Report{Status: Aggregate(results), Output: summarize(results), Results: results}
}

// await waits for the check's shared run until the request deadline. A
// run that was suspended (a Lambda instance frozen between invocations)
// reports timeouts that say nothing about the dependency: await starts one
// fresh run instead of passing such a result on. A check the request stops
// waiting for reports the time the request gave it (from start to
// deadline), not what was left when its goroutine began to wait.
func (c *Checker) await(ctx context.Context, ch Check, start, deadline time.Time) Result {
	given := deadline.Sub(start)
	wait := deadline.Sub(c.now())
	if wait <= 0 {
		return c.flaps.peek(ch, timeoutResult(ch, max(given, 0), start))
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for attempt := 0; ; attempt++ {
		flight := c.group.DoChan(ch.Name, func() (any, error) {
			return c.execute(ctx, ch), nil
		})
		select {
		case res := <-flight:
			r := res.Val.(Result)
			if r.suspended && attempt == 0 {
				continue
			}
			r.suspended = false
			return r
		// A caller that stops waiting sees the run's outcome as if it failed,
		// damped, without counting it: the run goes on and counts itself.
		case <-timer.C:
			return c.flaps.peek(ch, timeoutResult(ch, given, start))
		case <-ctx.Done():
			return c.flaps.peek(ch, timeoutResult(ch, c.now().Sub(start), start))
		}
	}
}

// suspendedAfter is how far past its limit a run must end to count as
// suspended rather than slow: timers fire within milliseconds on a live
// process.
const suspendedAfter = time.Second

// execute makes one run of the probe, shared by every request that waits
// for it. It is bounded by the check's timeout (or the budget) and by ctx's
// deadline minus the margin (the invocation's end), never by one caller's
// budget cap, and it caches its result; a run cut short by the invocation's
// end, or suspended, is not cached.
func (c *Checker) execute(ctx context.Context, ch Check) Result {
	// A run that finished between the caller's cache miss and this flight
	// has already answered: do not call the dependency again.
	if r, ok := c.cached(ch.Name); ok {
		return r
	}
	limit := c.limit(ch)
	cut := false
	if dl, ok := c.workDeadline(ctx); ok {
		if left := dl.Sub(c.now()); left < limit {
			limit, cut = max(left, 0), true
		}
	}
	// The run is shared: detach it from the caller's cancellation, keep
	// its values, and give it its own deadline.
	r := c.probe(context.WithoutCancel(ctx), ch, limit)
	timedOut := errors.Is(r.Err, ErrTimeout) || errors.Is(r.Err, context.DeadlineExceeded)
	// Only a run that says something about the dependency counts towards
	// flap damping, and is cached.
	trusted := !r.suspended && !(cut && timedOut)
	r = c.account(ctx, ch, r, trusted)
	if c.ttl > 0 && trusted {
		c.store(r)
	}
	return r
}

// limit is the longest one run of ch may take: its timeout, or the budget.
func (c *Checker) limit(ch Check) time.Duration {
	if ch.Timeout > 0 {
		return ch.Timeout
	}
	return c.budget
}

// account counts a run that says something about the dependency towards
// flap damping (and the listeners), damps one that does not without
// counting it, and logs it.
func (c *Checker) account(ctx context.Context, ch Check, r Result, trusted bool) Result {
	if trusted {
		r = c.flaps.record(ch, r)
	} else {
		r = c.flaps.peek(ch, r)
	}
	c.log(ctx, ch, r)
	return r
}

// probe runs ch's probe once with ctx, for at most limit, and returns by
// then whatever the probe does.
func (c *Checker) probe(ctx context.Context, ch Check, limit time.Duration) Result {
	start := c.now()
	pctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()

	type outcome struct {
		obs Observation
		err error
	}
	done := make(chan outcome, 1) // buffered: a stuck probe never blocks a sender
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome{err: WithClass(ClassPanic, errors.New("panic: "+safelog.Panic(p)))}
			}
		}()
		obs, err := ch.Probe(pctx)
		done <- outcome{obs, err}
	}()

	var r Result
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case o := <-done:
		r = c.result(ch, o.obs, o.err, limit, start)
	case <-timer.C:
		r = timeoutResult(ch, limit, start)
	}
	r.suspended = c.now().Sub(start) > limit+suspendedAfter
	return r
}

func (c *Checker) result(ch Check, obs Observation, err error, limit time.Duration, start time.Time) Result {
	end := c.now()
	r := newResult(ch, end)
	r.Duration = end.Sub(start)
	if err != nil {
		r.Err = err
		r.Status, r.Output = failed(ch, Classify(err, limit))
		r.Output = capOutput(r.Output)
		return r
	}
	switch {
	case obs.Status == "":
		r.Status = StatusPass
	case obs.Status.Valid():
		r.Status = obs.Status
	default:
		// A status the engine does not know is a bug in the probe: it must
		// not read as a pass.
		r.Status, obs.Output = StatusFail, ClassInvalidStatus
	}
	if r.Status != StatusPass {
		r.Output = obs.Output
		if r.Output == "" {
			r.Output = string(r.Status)
		}
	}
	r.ObservedValue, r.ObservedUnit = obs.Value, obs.Unit
	if obs.Value == nil {
		r.ObservedValue = float64(r.Duration.Microseconds()) / 1000
		r.ObservedUnit = "ms"
	} else if why := unencodable(obs.Value); why != "" {
		// A value the response cannot carry must not turn the answer into
		// an error: it is dropped, and the output says why.
		r.ObservedValue, r.ObservedUnit = nil, ""
		r.Output = joinOutput(r.Output, "observed value dropped: "+why)
	}
	r.Output = capOutput(r.Output)
	return r
}

func newResult(ch Check, at time.Time) Result {
	return Result{Name: ch.Name, Key: ch.Key(), ComponentType: ch.ComponentType,
		Optional: ch.Optional, Time: at}
}

func timeoutResult(ch Check, waited time.Duration, start time.Time) Result {
	r := newResult(ch, start.Add(waited))
	r.Err = ErrTimeout
	r.Status, r.Output = failed(ch, Classify(ErrTimeout, waited))
	r.Duration = waited
	return r
}

// failed returns the status and output of a check that failed with a safe
// class: fail, or warn for a check whose failures mean only that its state
// is unknown (the drain source).
func failed(ch Check, class string) (Status, string) {
	if ch.unknown != "" {
		return StatusWarn, ch.unknown + " (" + class + ")"
	}
	return StatusFail, class
}

func (c *Checker) cached(name string) (Result, bool) {
	if c.ttl <= 0 {
		return Result{}, false
	}
	c.mu.Lock()
	r, ok := c.cache[name]
	c.mu.Unlock()
	if !ok || c.now().Sub(r.Time) >= c.ttl {
		return Result{}, false
	}
	r.Cached = true
	return r, true
}

func (c *Checker) store(r Result) {
	c.mu.Lock()
	c.cache[r.Name] = r
	c.mu.Unlock()
}

func (c *Checker) log(ctx context.Context, ch Check, r Result) {
	level := slog.LevelInfo
	if r.Status != StatusPass {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("check", ch.Name),
		slog.String("status", string(r.Status)),
		slog.Float64("duration_ms", float64(r.Duration.Microseconds())/1000),
		slog.String("output", r.Output),
	}
	// The safe output is always logged; the internal error (which may name
	// hosts or users) only where the operator asked for debug lines.
	if r.Err != nil && c.logger.Enabled(ctx, slog.LevelDebug) {
		attrs = append(attrs, slog.String("error", r.Err.Error()))
	}
	c.logger.LogAttrs(ctx, level, "check", attrs...)
}

// summarize joins the outputs of the checks that did not pass, for the
// top-level output of a report.
func summarize(results []Result) string {
	var parts []string
	for _, r := range results {
		if r.Status != StatusPass {
			parts = append(parts, r.Name+": "+r.Output)
		}
	}
	return strings.Join(parts, "; ")
}
