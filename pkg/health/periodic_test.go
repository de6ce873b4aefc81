package health

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// TestBackgroundChecksServeRequestsWithoutProbing: once started, a check
// with an Interval runs at once and then every Interval; requests read its
// last result, whose time is its run's, and never probe.
func TestBackgroundChecksServeRequestsWithoutProbing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int64
		probe := func(context.Context) (Observation, error) { calls.Add(1); return Observation{}, nil }
		c := mustChecker(t, []Check{{Name: "db", Probe: probe, Interval: 10 * time.Second}}, WithCacheTTL(0))
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		c.Start(ctx)
		synctest.Wait()
		ranAt := time.Now()
		if calls.Load() != 1 {
			t.Fatalf("after Start: %d probe calls; want 1", calls.Load())
		}
		time.Sleep(3 * time.Second) // a fake clock inside the bubble
		for range 100 {
			rep := c.All(context.Background())
			if rep.Status != StatusPass || !rep.Results[0].Time.Equal(ranAt) || !rep.Results[0].Cached {
				t.Fatalf("All = %+v; want pass from the run at %s", rep, ranAt)
			}
			c.Ready(context.Background())
			c.One(context.Background(), "db")
		}
		if calls.Load() != 1 {
			t.Errorf("300 requests made %d probe calls in all; want the 1 background run", calls.Load())
		}
		time.Sleep(7 * time.Second)
		synctest.Wait()
		if calls.Load() != 2 {
			t.Errorf("after one Interval: %d probe calls; want 2", calls.Load())
		}
		stop()
		synctest.Wait()
	})
}

// TestBackgroundResultGoesStale: a result older than 2 Intervals plus the
// timeout is reported warn "stale: last run …", as when the loop stopped.
func TestBackgroundResultGoesStale(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		probe := func(context.Context) (Observation, error) { return Observation{}, nil }
		c := mustChecker(t, []Check{{Name: "db", Probe: probe, Interval: 10 * time.Second, Timeout: time.Second}})
		ctx, stop := context.WithCancel(context.Background())
		c.Start(ctx)
		synctest.Wait()
		stop()
		synctest.Wait()
		time.Sleep(21 * time.Second) // within 2 Intervals + timeout
		if r, _ := c.One(context.Background(), "db"); r.Status != StatusPass {
			t.Errorf("after 21s: %q %q; want pass", r.Status, r.Output)
		}
		time.Sleep(time.Second)
		r, _ := c.One(context.Background(), "db")
		if r.Status != StatusWarn || r.Output != "stale: last run 22s ago" {
			t.Errorf("after 22s: %q %q; want warn \"stale: last run 22s ago\"", r.Status, r.Output)
		}
	})
}

// TestNeverStartedReportsStale: a background check of a Checker nobody
// started answers at once, warn, instead of hanging or probing.
func TestNeverStartedReportsStale(t *testing.T) {
	var calls atomic.Int64
	probe := func(context.Context) (Observation, error) { calls.Add(1); return Observation{}, nil }
	c := mustChecker(t, []Check{{Name: "db", Probe: probe, Interval: time.Minute}})
	rep := c.Ready(context.Background())
	if rep.Status != StatusWarn || rep.Results[0].Output != "stale: never run (the checker was not started)" || calls.Load() != 0 {
		t.Errorf("Ready = %+v with %d calls; want warn \"stale: never run …\" and no call", rep, calls.Load())
	}
}

// TestFirstRunIsAwaited: a request that comes while the first background
// run is still going waits for it (inside its budget) rather than probing.
func TestFirstRunIsAwaited(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int64
		probe := func(ctx context.Context) (Observation, error) {
			calls.Add(1)
			time.Sleep(500 * time.Millisecond)
			return Observation{}, errors.New("refused")
		}
		c := mustChecker(t, []Check{{Name: "db", Probe: probe, Interval: time.Minute}})
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		c.Start(ctx)
		r, _ := c.One(context.Background(), "db")
		if r.Status != StatusFail || calls.Load() != 1 {
			t.Errorf("One = %q %q after %d calls; want the first run's fail, 1 call", r.Status, r.Output, calls.Load())
		}
		stop()
		synctest.Wait()
	})
}

// TestBackgroundRunsAreDampedAndHeard: flap damping and the listeners
// count background runs exactly like on-demand runs.
func TestBackgroundRunsAreDampedAndHeard(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var heard []string
		probe := func(context.Context) (Observation, error) {
			return Observation{}, WithClass(ClassRefused, errors.New("x"))
		}
		c := mustChecker(t, []Check{{Name: "db", Probe: probe, Interval: 10 * time.Second, FailAfter: 2}},
			WithStatusListener(func(ch StatusChange) { heard = append(heard, string(ch.From)+">"+string(ch.To)) }))
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		c.Start(ctx)
		synctest.Wait()
		if r, _ := c.One(context.Background(), "db"); r.Status != StatusWarn || r.Output != "failing (1 of 2): connection refused" {
			t.Errorf("after 1 run: %q %q; want warn failing (1 of 2)", r.Status, r.Output)
		}
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if r, _ := c.One(context.Background(), "db"); r.Status != StatusFail {
			t.Errorf("after 2 runs: %q %q; want fail", r.Status, r.Output)
		}
		if got := strings.Join(heard, " "); got != ">warn warn>fail" {
			t.Errorf("listener heard %q; want \">warn warn>fail\"", got)
		}
		stop()
		synctest.Wait()
	})
}
