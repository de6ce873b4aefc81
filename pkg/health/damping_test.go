package health

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
)

// switchable is a probe that fails with "connection refused" while down is set.
func switchable(down *atomic.Bool, calls *atomic.Int64) Probe {
	return func(context.Context) (Observation, error) {
		if calls != nil {
			calls.Add(1)
		}
		if down.Load() {
			return Observation{}, syscall.ECONNREFUSED
		}
		return Observation{}, nil
	}
}

type step struct {
	down   bool
	status Status
	output string
}

func TestFlapDamping(t *testing.T) {
	for _, tt := range []struct {
		name                 string
		failAfter, passAfter int
		steps                []step
	}{
		{"zero value fails and passes at once", 0, 0, []step{
			{true, StatusFail, "connection refused"},
			{false, StatusPass, ""},
		}},
		{"one is the zero value", 1, 1, []step{
			{true, StatusFail, "connection refused"},
			{false, StatusPass, ""},
		}},
		{"failAfter 3 passAfter 2", 3, 2, []step{
			{true, StatusWarn, "failing (1 of 3): connection refused"},
			{true, StatusWarn, "failing (2 of 3): connection refused"},
			{true, StatusFail, "connection refused"},
			{true, StatusFail, "connection refused"},
			{false, StatusFail, "recovering (1 of 2)"},
			{false, StatusPass, ""},
			{false, StatusPass, ""},
		}},
		{"a pass resets the failures", 3, 1, []step{
			{true, StatusWarn, "failing (1 of 3): connection refused"},
			{true, StatusWarn, "failing (2 of 3): connection refused"},
			{false, StatusPass, ""},
			{true, StatusWarn, "failing (1 of 3): connection refused"},
		}},
		{"a failure while recovering fails again at once", 2, 3, []step{
			{true, StatusWarn, "failing (1 of 2): connection refused"},
			{true, StatusFail, "connection refused"},
			{false, StatusFail, "recovering (1 of 3)"},
			{false, StatusFail, "recovering (2 of 3)"},
			{true, StatusFail, "connection refused"},
			{false, StatusFail, "recovering (1 of 3)"},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var down atomic.Bool
			c := mustChecker(t, []Check{{Name: "db", FailAfter: tt.failAfter, PassAfter: tt.passAfter,
				Probe: switchable(&down, nil)}}, WithCacheTTL(0))
			for i, s := range tt.steps {
				down.Store(s.down)
				r := c.Ready(context.Background()).Results[0]
				if r.Status != s.status || r.Output != s.output {
					t.Errorf("run %d (down=%v) = %s %q; want %s %q", i+1, s.down, r.Status, r.Output, s.status, s.output)
				}
			}
		})
	}
}

// The aggregate follows the damped status: a critical check still under
// failAfter keeps readiness at warn (200).
func TestFlapDampingAggregate(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	c := mustChecker(t, []Check{{Name: "db", FailAfter: 2, Probe: switchable(&down, nil)}}, WithCacheTTL(0))
	if got := c.Ready(context.Background()).Status; got != StatusWarn {
		t.Errorf("first failed run: readiness %s; want warn", got)
	}
	if got := c.Ready(context.Background()).Status; got != StatusFail {
		t.Errorf("second failed run: readiness %s; want fail", got)
	}
}

// Cache reads are not runs: inside the TTL the check is not counted again.
func TestFlapDampingCountsRunsNotCacheReads(t *testing.T) {
	var down atomic.Bool
	var calls atomic.Int64
	down.Store(true)
	now := time.Unix(1_700_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	c := mustChecker(t, []Check{{Name: "db", FailAfter: 3, Probe: switchable(&down, &calls)}},
		WithCacheTTL(5*time.Second), withClock(clock))
	for range 10 {
		if r := c.Ready(context.Background()).Results[0]; r.Output != "failing (1 of 3): connection refused" {
			t.Fatalf("inside the TTL: %s %q; want the first run's warn", r.Status, r.Output)
		}
	}
	advance(6 * time.Second)
	if r := c.Ready(context.Background()).Results[0]; r.Output != "failing (2 of 3): connection refused" {
		t.Errorf("after the TTL: %s %q; want the second run", r.Status, r.Output)
	}
	if got := calls.Load(); got != 2 {
		t.Errorf("probe calls = %d; want 2", got)
	}
}

// A caller whose budget ends before the run sees the damped timeout, and
// its give-up is not counted as a run.
func TestFlapDampingCallerTimeoutIsNotARun(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var hang atomic.Bool
	hang.Store(true)
	c := mustChecker(t, []Check{{Name: "slow", FailAfter: 2, Timeout: 5 * time.Second,
		Probe: func(ctx context.Context) (Observation, error) {
			if hang.Load() {
				select {
				case <-release:
				case <-ctx.Done():
				}
				return Observation{}, errors.New("late")
			}
			return Observation{}, nil
		}}}, WithCacheTTL(0), WithBudget(100*time.Millisecond))
	r := c.Ready(context.Background()).Results[0]
	if r.Status != StatusWarn || !strings.HasPrefix(r.Output, "failing (1 of 2): timeout after ") {
		t.Errorf("caller timeout = %s %q; want warn \"failing (1 of 2): timeout after …\"", r.Status, r.Output)
	}
}

func TestNegativeFailAfterRejected(t *testing.T) {
	for _, ch := range []Check{
		{Name: "a", FailAfter: -1, Probe: sleeper(0, nil)},
		{Name: "b", PassAfter: -1, Probe: sleeper(0, nil)},
	} {
		if _, err := NewChecker([]Check{ch}); !errors.Is(err, ErrInvalidCheck) {
			t.Errorf("NewChecker(%+v) error = %v; want ErrInvalidCheck", ch, err)
		}
	}
}

// changes collects status changes for tests.
type changes struct {
	mu  sync.Mutex
	got []StatusChange
	ch  chan struct{}
}

func newChanges() *changes { return &changes{ch: make(chan struct{}, 100)} }

func (c *changes) listen(sc StatusChange) {
	c.mu.Lock()
	sc.Time = time.Time{}
	c.got = append(c.got, sc)
	c.mu.Unlock()
	c.ch <- struct{}{}
}

func (c *changes) wait(t *testing.T, n int) []StatusChange {
	t.Helper()
	for range n {
		select {
		case <-c.ch:
		case <-time.After(5 * time.Second):
			t.Fatalf("listener got fewer than %d changes", n)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]StatusChange(nil), c.got...)
}

func TestStatusListenerSeesEveryChange(t *testing.T) {
	var down atomic.Bool
	rec := newChanges()
	c := mustChecker(t, []Check{{Name: "db", FailAfter: 2, PassAfter: 2, Probe: switchable(&down, nil)}},
		WithCacheTTL(0), WithStatusListener(rec.listen))
	for _, d := range []bool{false, false, true, true, true, false, false, false} {
		down.Store(d)
		c.Ready(context.Background())
	}
	got := rec.wait(t, 4)
	want := []StatusChange{
		{Check: "db", From: "", To: StatusPass},
		{Check: "db", From: StatusPass, To: StatusWarn, Output: "failing (1 of 2): connection refused"},
		{Check: "db", From: StatusWarn, To: StatusFail, Output: "connection refused"},
		{Check: "db", From: StatusFail, To: StatusPass},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes = %+v; want %+v", got, want)
	}
}

// A listener that blocks for ever delays no response, and a panicking one
// does not hurt the Checker. The clock is a synctest bubble's: a request
// that waited on the listener would never end (the bubble reports the
// deadlock), and one that waited on any timer would take fake time.
func TestBlockingListenerDoesNotDelayResponses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		block := make(chan struct{})
		var entered atomic.Int64
		var down atomic.Bool
		c := mustChecker(t, []Check{{Name: "db", Probe: switchable(&down, nil)}},
			WithCacheTTL(0),
			WithStatusListener(func(StatusChange) { panic("listener bug") }),
			WithStatusListener(func(StatusChange) { entered.Add(1); <-block }))
		// Every request changes the status: 2 x ListenerQueue changes, so the
		// queue fills up and the rest are dropped.
		start := time.Now()
		for i := range 2 * ListenerQueue {
			down.Store(i%2 == 0)
			c.Ready(context.Background())
		}
		if elapsed := time.Since(start); elapsed != 0 {
			t.Errorf("%d requests took %v with a blocked listener; want no wait at all", 2*ListenerQueue, elapsed)
		}
		synctest.Wait() // the listener has taken the first change and blocks
		if entered.Load() != 1 {
			t.Errorf("blocked listener entered %d times; want 1 (it is still blocked)", entered.Load())
		}
		close(block) // the listener drains the queue, and its goroutine ends
		synctest.Wait()
	})
}
