package health

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestDrainTimeoutWarns: a drain store that hangs, whether it honours its
// context or not, and whichever timer ends the wait (the run's own, or a
// caller's cap shorter than it), leaves readiness up with warn "drain state
// unknown (timeout …)": it must never fail readiness.
func TestDrainTimeoutWarns(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	budget := 150 * time.Millisecond
	tests := []struct {
		name     string
		draining func(ctx context.Context) (bool, error)
		ctx      context.Context
		wait     time.Duration
		budget   time.Duration // the run's own limit
	}{
		{"store honours its context", func(ctx context.Context) (bool, error) {
			<-ctx.Done()
			return false, ctx.Err()
		}, context.Background(), budget, budget},
		{"store ignores its context", func(context.Context) (bool, error) {
			<-release
			return false, nil
		}, context.Background(), budget, budget},
		// The run's own limit is far past the cap, so that a stalled
		// scheduler cannot let both timers fire at once and the run's win.
		{"caller's cap ends the wait", func(context.Context) (bool, error) {
			<-release
			return false, nil
		}, WithBudgetCap(context.Background(), 40*time.Millisecond), 40 * time.Millisecond, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Unix(1_700_000_000, 0)
			c := mustChecker(t, []Check{{Name: "db", Probe: sleeper(0, nil)}},
				WithBudget(tt.budget), WithCacheTTL(0), WithDrain(tt.draining), withClock(func() time.Time { return now }))
			rep := c.Ready(tt.ctx)
			want := "drain: drain state unknown (timeout after " + tt.wait.String() + ")"
			if rep.Status != StatusWarn || rep.Output != want {
				t.Errorf("Ready = %q %q; want warn %q", rep.Status, rep.Output, want)
			}
		})
	}
}

// TestDrainPanicWarns: a drain source that panics is a state that cannot be
// read, like any other error.
func TestDrainPanicWarns(t *testing.T) {
	c := mustChecker(t, nil, WithDrain(func(context.Context) (bool, error) { panic("boom") }))
	rep := c.Ready(context.Background())
	if rep.Status != StatusWarn || !strings.Contains(rep.Output, "drain state unknown (check panicked)") {
		t.Errorf("Ready = %q %q; want warn \"drain state unknown (check panicked)\"", rep.Status, rep.Output)
	}
}

// TestDrainTimeoutCutByInvocationIsNotCached: a drain read cut short by the
// invocation's end says nothing about the store; it is not cached, even
// though it is reported warn.
func TestDrainTimeoutCutByInvocationIsNotCached(t *testing.T) {
	var calls atomic.Int64
	c := mustChecker(t, nil, WithCacheTTL(time.Minute), WithDeadlineMargin(0),
		WithDrain(func(ctx context.Context) (bool, error) {
			if calls.Add(1) == 1 {
				<-ctx.Done()
				return false, ctx.Err()
			}
			return false, nil
		}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if rep := c.Ready(ctx); rep.Status != StatusWarn {
		t.Errorf("first Ready = %q %q; want warn", rep.Status, rep.Output)
	}
	settle(c, DrainCheckName)
	if rep := c.Ready(context.Background()); rep.Status != StatusPass {
		t.Errorf("second Ready = %q %q; want pass from a fresh run", rep.Status, rep.Output)
	}
}
