package health

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
)

func mustChecker(t *testing.T, checks []Check, opts ...Option) *Checker {
	t.Helper()
	c, err := NewChecker(checks, opts...)
	if err != nil {
		t.Fatalf("NewChecker: %v", err)
	}
	return c
}

func sleeper(d time.Duration, calls *atomic.Int64) Probe {
	return func(ctx context.Context) (Observation, error) {
		if calls != nil {
			calls.Add(1)
		}
		time.Sleep(d) // ignores ctx on purpose
		return Observation{}, nil
	}
}

// TestHungCheckIgnoringContextFailsInsideBudget: the answer comes when the
// budget ends although a probe ignores its context (the clock is a synctest
// bubble's: the bound is exact, and no scheduler delay counts).
func TestHungCheckIgnoringContextFailsInsideBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		budget := 300 * time.Millisecond
		c := mustChecker(t, []Check{
			{Name: "hung", Probe: sleeper(10*time.Second, nil)},
			{Name: "fast", Probe: sleeper(0, nil)},
		}, WithBudget(budget))

		start := time.Now()
		rep := c.All(context.Background())
		elapsed := time.Since(start)

		if elapsed > budget {
			t.Errorf("All took %v; want <= %v", elapsed, budget)
		}
		if rep.Status != StatusFail {
			t.Errorf("status = %q; want fail", rep.Status)
		}
		hung := rep.Results[0]
		if hung.Status != StatusFail || hung.Output != "timeout after 300ms" {
			t.Errorf("hung check = %q %q; want fail \"timeout after 300ms\"", hung.Status, hung.Output)
		}
		if rep.Results[1].Status != StatusPass {
			t.Errorf("fast check = %q; want pass", rep.Results[1].Status)
		}
		time.Sleep(10 * time.Second) // the hung probe ends, its goroutine with it
		synctest.Wait()
	})
}

// TestChecksRunInParallel: each probe passes only once all three are
// running at the same time, so checks run one after another would time out
// (no wall-clock bound to flake on a loaded machine).
func TestChecksRunInParallel(t *testing.T) {
	const n = 3
	var running atomic.Int64
	all := make(chan struct{})
	var checks []Check
	for i := range n {
		checks = append(checks, Check{Name: fmt.Sprintf("c%d", i), Probe: func(ctx context.Context) (Observation, error) {
			if running.Add(1) == n {
				close(all)
			}
			select {
			case <-all:
				return Observation{}, nil
			case <-ctx.Done():
				return Observation{}, ctx.Err()
			}
		}})
	}
	c := mustChecker(t, checks, WithCacheTTL(0), WithBudget(5*time.Second))
	if rep := c.All(context.Background()); rep.Status != StatusPass {
		t.Errorf("status = %q (%s); want pass: the checks did not run at the same time", rep.Status, rep.Output)
	}
}

func TestConcurrentRequestsShareOneCall(t *testing.T) {
	var calls atomic.Int64
	c := mustChecker(t, []Check{{Name: "db", Probe: sleeper(50*time.Millisecond, &calls)}},
		WithCacheTTL(time.Minute))
	var wg sync.WaitGroup
	var fails atomic.Int64
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if c.All(context.Background()).Status != StatusPass {
				fails.Add(1)
			}
		}()
	}
	wg.Wait()
	if got := calls.Load(); got != 1 {
		t.Errorf("200 concurrent requests made %d dependency calls; want 1", got)
	}
	if fails.Load() != 0 {
		t.Errorf("%d requests did not pass", fails.Load())
	}
}

func TestCacheTTL(t *testing.T) {
	var calls atomic.Int64
	now := time.Unix(1_700_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	c := mustChecker(t, []Check{{Name: "db", Probe: sleeper(0, &calls)}},
		WithCacheTTL(5*time.Second), withClock(clock))

	first := c.All(context.Background())
	advance(4 * time.Second)
	second := c.All(context.Background())
	if got := calls.Load(); got != 1 {
		t.Errorf("calls inside TTL = %d; want 1", got)
	}
	if first.Results[0].Cached || !second.Results[0].Cached {
		t.Errorf("Cached = %v, %v; want false, true", first.Results[0].Cached, second.Results[0].Cached)
	}
	advance(2 * time.Second)
	c.All(context.Background())
	if got := calls.Load(); got != 2 {
		t.Errorf("calls after TTL = %d; want 2", got)
	}
}

func TestCacheOff(t *testing.T) {
	var calls atomic.Int64
	c := mustChecker(t, []Check{{Name: "db", Probe: sleeper(0, &calls)}}, WithCacheTTL(0))
	for range 3 {
		c.All(context.Background())
	}
	if got := calls.Load(); got != 3 {
		t.Errorf("calls with cache off = %d; want 3", got)
	}
}

func TestPanickingCheckFailsAndNextRequestWorks(t *testing.T) {
	var n atomic.Int64
	c := mustChecker(t, []Check{{Name: "boom", Probe: func(context.Context) (Observation, error) {
		if n.Add(1) == 1 {
			panic("secret=hunter2")
		}
		return Observation{}, nil
	}}}, WithCacheTTL(0))

	rep := c.All(context.Background())
	if r := rep.Results[0]; r.Status != StatusFail || r.Output != ClassPanic {
		t.Errorf("panicking check = %q %q; want fail %q", r.Status, r.Output, ClassPanic)
	}
	if strings.Contains(rep.Output, "hunter2") {
		t.Errorf("output %q leaks the panic value", rep.Output)
	}
	if rep := c.All(context.Background()); rep.Status != StatusPass {
		t.Errorf("next request status = %q; want pass", rep.Status)
	}
}

func TestContextDeadlineMarginCapsBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := mustChecker(t, []Check{{Name: "hung", Probe: sleeper(10*time.Second, nil)}},
			WithBudget(5*time.Second), WithDeadlineMargin(100*time.Millisecond))
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		dl, _ := ctx.Deadline()
		if got, want := c.Deadline(ctx), dl.Add(-100*time.Millisecond); !got.Equal(want) {
			t.Errorf("Deadline = %v; want the context's deadline minus the margin, %v", got, want)
		}
		start := time.Now()
		rep := c.All(ctx)
		if elapsed := time.Since(start); elapsed > 400*time.Millisecond {
			t.Errorf("answer took %v; want <= 400ms (deadline minus margin)", elapsed)
		}
		if rep.Status != StatusFail {
			t.Errorf("status = %q; want fail", rep.Status)
		}
		time.Sleep(10 * time.Second) // the hung probe ends, its goroutine with it
		synctest.Wait()
	})
}

func TestCheckTimeoutBelowBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := mustChecker(t, []Check{{Name: "slow", Timeout: 100 * time.Millisecond,
			Probe: func(ctx context.Context) (Observation, error) {
				<-ctx.Done()
				return Observation{}, ctx.Err()
			}}}, WithBudget(2*time.Second))
		start := time.Now()
		r := c.All(context.Background()).Results[0]
		if elapsed := time.Since(start); elapsed > 100*time.Millisecond {
			t.Errorf("took %v; want the check's 100ms timeout", elapsed)
		}
		if r.Output != "timeout after 100ms" {
			t.Errorf("output = %q; want %q", r.Output, "timeout after 100ms")
		}
	})
}

func TestTimeoutCutByTightCallerIsNotCached(t *testing.T) {
	var calls atomic.Int64
	// The first run answers only when the tight caller's deadline cuts it
	// (no timer racing that deadline on a loaded machine); the next passes.
	c := mustChecker(t, []Check{{Name: "db", Probe: func(ctx context.Context) (Observation, error) {
		if calls.Add(1) == 1 {
			<-ctx.Done()
			return Observation{}, ctx.Err()
		}
		return Observation{}, nil
	}}}, WithCacheTTL(time.Minute), WithDeadlineMargin(0))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if rep := c.All(ctx); rep.Status != StatusFail {
		t.Fatalf("tight caller status = %q; want fail", rep.Status)
	}
	settle(c, "db")
	if rep := c.All(context.Background()); rep.Status != StatusPass {
		t.Errorf("next caller status = %q (%s); want pass, not a cached timeout", rep.Status, rep.Output)
	}
	if got := calls.Load(); got != 2 {
		t.Errorf("calls = %d; want 2", got)
	}
}

func TestOutputsAreSafeClasses(t *testing.T) {
	secret := errors.New("dial postgres://admin:hunter2@db.internal:5432: refused")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"refused", fmt.Errorf("connect: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), ClassRefused},
		{"classed", WithClass(ClassDenied, secret), ClassDenied},
		{"dns", &net.DNSError{Name: "db.internal", Err: "no such host"}, ClassHostUnknown},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), "timeout after 1s"},
		{"unknown", secret, ClassFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustChecker(t, []Check{{Name: "x", Timeout: time.Second,
				Probe: func(context.Context) (Observation, error) { return Observation{}, tt.err }}})
			r := c.All(context.Background()).Results[0]
			if r.Output != tt.want {
				t.Errorf("output = %q; want %q", r.Output, tt.want)
			}
			if strings.Contains(r.Output, "hunter2") || strings.Contains(r.Output, "db.internal") {
				t.Errorf("output %q leaks the error text", r.Output)
			}
		})
	}
}

func TestWarnObservation(t *testing.T) {
	c := mustChecker(t, []Check{{Name: "queue", Measurement: "messages",
		Probe: func(context.Context) (Observation, error) {
			return Observation{Value: 1200, Unit: "messages", Status: StatusWarn, Output: "depth 1200 above 1000"}, nil
		}}})
	rep := c.All(context.Background())
	r := rep.Results[0]
	if rep.Status != StatusWarn || r.Key != "queue:messages" || r.ObservedValue != 1200 || r.Output != "depth 1200 above 1000" {
		t.Errorf("got %q %q %v %q; want warn queue:messages 1200 \"depth 1200 above 1000\"", rep.Status, r.Key, r.ObservedValue, r.Output)
	}
}

func TestReadyUsesCriticalChecksOnly(t *testing.T) {
	var nonCritical atomic.Int64
	c := mustChecker(t, []Check{
		{Name: "db", Probe: sleeper(0, nil)},
		{Name: "cache", Optional: true, Probe: func(context.Context) (Observation, error) {
			nonCritical.Add(1)
			return Observation{}, errors.New("down")
		}},
	})
	rep := c.Ready(context.Background())
	if rep.Status != StatusPass || len(rep.Results) != 1 || nonCritical.Load() != 0 {
		t.Errorf("Ready = %q with %d results, %d non-critical calls; want pass, 1, 0", rep.Status, len(rep.Results), nonCritical.Load())
	}
	if rep := c.All(context.Background()); rep.Status != StatusWarn {
		t.Errorf("All = %q; want warn (non-critical failure)", rep.Status)
	}
}

func TestDrain(t *testing.T) {
	tests := []struct {
		name       string
		draining   bool
		err        error
		wantStatus Status
		wantOutput string
	}{
		{"not draining", false, nil, StatusPass, ""},
		{"draining", true, nil, StatusFail, "drain: draining"},
		{"store down keeps serving", false, WithClass(ClassDenied, errors.New("ssm: AccessDenied for arn:aws:ssm:x")), StatusWarn, "drain: drain state unknown (access denied)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustChecker(t, nil, WithDrain(func(context.Context) (bool, error) { return tt.draining, tt.err }))
			rep := c.Ready(context.Background())
			if rep.Status != tt.wantStatus || rep.Output != tt.wantOutput {
				t.Errorf("Ready = %q %q; want %q %q", rep.Status, rep.Output, tt.wantStatus, tt.wantOutput)
			}
		})
	}
}

func TestSetDrainingAndStartupGrace(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	c := mustChecker(t, nil, WithStartupGrace(10*time.Second), withClock(func() time.Time { return now }))
	if rep := c.Ready(context.Background()); rep.Status != StatusFail || rep.Output != "startup: starting up" {
		t.Errorf("Ready in grace = %q %q; want fail \"startup: starting up\"", rep.Status, rep.Output)
	}
	now = now.Add(11 * time.Second)
	if rep := c.Ready(context.Background()); rep.Status != StatusPass {
		t.Errorf("Ready after grace = %q; want pass", rep.Status)
	}
	c.SetDraining(true)
	if rep := c.Ready(context.Background()); rep.Status != StatusFail || rep.Output != "drain: draining" {
		t.Errorf("Ready draining = %q %q; want fail", rep.Status, rep.Output)
	}
	if rep := c.All(context.Background()); rep.Status != StatusPass {
		t.Errorf("All while draining = %q; want pass (drain is a readiness state)", rep.Status)
	}
}

func TestOne(t *testing.T) {
	c := mustChecker(t, []Check{{Name: "db", Probe: sleeper(0, nil)}})
	if r, err := c.One(context.Background(), "db"); err != nil || r.Status != StatusPass {
		t.Errorf("One(db) = %q, %v; want pass, nil", r.Status, err)
	}
	if _, err := c.One(context.Background(), "nope"); !errors.Is(err, ErrUnknownCheck) {
		t.Errorf("One(nope) error = %v; want ErrUnknownCheck", err)
	}
}

func TestNewCheckerRejects(t *testing.T) {
	probe := sleeper(0, nil)
	tests := []struct {
		name   string
		checks []Check
	}{
		{"empty name", []Check{{Probe: probe}}},
		{"nil probe", []Check{{Name: "a"}}},
		{"duplicate", []Check{{Name: "a", Probe: probe}, {Name: "a", Probe: probe}}},
		{"reserved", []Check{{Name: DrainCheckName, Probe: probe}}},
		{"negative timeout", []Check{{Name: "a", Probe: probe, Timeout: -time.Second}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewChecker(tt.checks); !errors.Is(err, ErrInvalidCheck) {
				t.Errorf("NewChecker error = %v; want ErrInvalidCheck", err)
			}
		})
	}
}

// fakeClock is a clock for withClock that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// settle waits until no run of the named check is in flight, so that what
// the next request sees does not depend on the scheduler: it joins the
// flight if there is one (running nothing of its own otherwise).
func settle(c *Checker, name string) {
	_, _, _ = c.group.Do(name, func() (any, error) { return Result{}, nil })
}

// TestImpatientCallerDoesNotCutOthersShort: a caller with a short budget
// cap starts the shared run and gives up; the run goes on, and a caller
// without a cap gets the dependency's real answer, not the first caller's
// timeout. The clock stands still, so the cap is exactly 20ms, and the
// dependency answers only once the impatient caller has given up.
func TestImpatientCallerDoesNotCutOthersShort(t *testing.T) {
	var calls atomic.Int64
	release := make(chan struct{})
	c := mustChecker(t, []Check{{Name: "db", Probe: func(ctx context.Context) (Observation, error) {
		calls.Add(1)
		select {
		case <-release:
			return Observation{}, nil
		case <-ctx.Done():
			return Observation{}, ctx.Err()
		}
	}}}, WithCacheTTL(time.Minute), withClock(newFakeClock().Now))
	if r := c.All(WithBudgetCap(context.Background(), 20*time.Millisecond)); r.Status != StatusFail || r.Results[0].Output != "timeout after 20ms" {
		t.Errorf("impatient caller = %q %q; want fail \"timeout after 20ms\"", r.Status, r.Results[0].Output)
	}
	patient := make(chan Report, 1)
	go func() { patient <- c.All(context.Background()) }()
	close(release) // the patient caller joins the run, or reads what it stored
	if r := <-patient; r.Status != StatusPass {
		t.Errorf("patient caller = %q %q; want pass", r.Status, r.Output)
	}
	if got := calls.Load(); got != 1 {
		t.Errorf("dependency calls = %d; want 1 shared run", got)
	}
	if r := c.All(context.Background()).Results[0]; !r.Cached || r.Status != StatusPass {
		t.Errorf("next request = %q cached=%v; want the shared run's pass from the cache", r.Status, r.Cached)
	}
}

// TestHungDependencyIsCached: a hung dependency with the default timeout
// fails once per TTL, not once per request.
func TestHungDependencyIsCached(t *testing.T) {
	var calls atomic.Int64
	clock := newFakeClock()
	c := mustChecker(t, []Check{{Name: "db", Probe: func(ctx context.Context) (Observation, error) {
		calls.Add(1)
		<-ctx.Done()
		return Observation{}, ctx.Err()
	}}}, WithBudget(100*time.Millisecond), WithCacheTTL(time.Minute), withClock(clock.Now))
	first := c.All(context.Background()).Results[0]
	// The caller's own timer and the shared run's end at the same moment:
	// let the run finish storing its result.
	settle(c, "db")
	second := c.All(context.Background()).Results[0]
	for i, r := range []Result{first, second} {
		if r.Status != StatusFail || r.Output != "timeout after 100ms" {
			t.Errorf("request %d = %q %q; want fail \"timeout after 100ms\"", i+1, r.Status, r.Output)
		}
	}
	if !second.Cached {
		t.Errorf("second request was not answered from the cache")
	}
	if got := calls.Load(); got != 1 {
		t.Errorf("dependency calls = %d; want 1 per TTL", got)
	}
	clock.Advance(2 * time.Minute)
	c.All(context.Background())
	if got := calls.Load(); got != 2 {
		t.Errorf("dependency calls after the TTL = %d; want 2", got)
	}
}

// TestSuspendedRunIsRetried: a run whose process was frozen past its limit
// (a Lambda instance between invocations) is neither cached nor passed on:
// the caller gets a fresh run.
func TestSuspendedRunIsRetried(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	var calls atomic.Int64
	c := mustChecker(t, []Check{{Name: "db", Probe: func(context.Context) (Observation, error) {
		if calls.Add(1) == 1 {
			mu.Lock()
			now = now.Add(10 * time.Minute) // frozen mid-run
			mu.Unlock()
			return Observation{}, errors.New("deadline passed while frozen")
		}
		return Observation{}, nil
	}}}, WithCacheTTL(time.Minute), withClock(clock))
	if r := c.All(context.Background()); r.Status != StatusPass {
		t.Errorf("status = %q %q; want pass from a fresh run", r.Status, r.Output)
	}
	if got := calls.Load(); got != 2 {
		t.Errorf("dependency calls = %d; want 2 (the suspended run and a fresh one)", got)
	}
}

func TestBudgetCapSkipsMargin(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	c := mustChecker(t, nil, WithBudget(2*time.Second), WithDeadlineMargin(100*time.Millisecond),
		withClock(func() time.Time { return now }))
	got := c.Deadline(WithBudgetCap(context.Background(), 250*time.Millisecond))
	if want := now.Add(250 * time.Millisecond); !got.Equal(want) {
		t.Errorf("deadline with a 250ms cap is %v away; want 250ms (no margin off a cap)", got.Sub(now))
	}
}

// TestTimeoutReportsTheBudgetGiven: a hung check reports the time the
// request gave it, even when its goroutine starts waiting a little after
// the request began (here, the clock moves 1ms on every read, as a busy
// scheduler would). CI once saw "timeout after 299ms" for a 300ms budget.
func TestTimeoutReportsTheBudgetGiven(t *testing.T) {
	var ticks atomic.Int64
	base := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * time.Millisecond) }
	hang := func(ctx context.Context) (Observation, error) { <-ctx.Done(); return Observation{}, ctx.Err() }
	c := mustChecker(t, []Check{{Name: "db", Probe: hang}}, WithBudget(30*time.Millisecond), withClock(clock))
	r, err := c.One(context.Background(), "db")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != StatusFail || r.Output != "timeout after 30ms" {
		t.Errorf("result = %s %q; want fail %q", r.Status, r.Output, "timeout after 30ms")
	}
}
