package uptime

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// clock is an injected clock that the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestOneReadPerTTL: 50 concurrent viewers cause one read; the next read
// comes only once the TTL has passed, on the injected clock.
func TestOneReadPerTTL(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	var reads atomic.Int64
	release := make(chan struct{})
	c := NewCache(func(ctx context.Context) (History, error) {
		n := reads.Add(1)
		if n == 1 {
			<-release
		}
		return History{Time: clk.now(), Days: make([]Strip, int(n))}, nil
	}, WithClock(clk.now))

	var wg sync.WaitGroup
	started := make(chan struct{}, 50)
	got := make(chan int, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started <- struct{}{}
			h, err := c.History(context.Background())
			if err != nil {
				t.Errorf("History: %v", err)
			}
			got <- len(h.Days)
		}()
	}
	for range 50 {
		<-started
	}
	close(release)
	wg.Wait()
	close(got)
	for n := range got {
		if n != 1 {
			t.Errorf("a viewer got read %d; want the first", n)
		}
	}
	for _, step := range []struct {
		advance   time.Duration
		wantReads int64
	}{{59 * time.Second, 1}, {time.Second, 2}, {30 * time.Second, 2}, {30 * time.Second, 3}} {
		clk.add(step.advance)
		if _, err := c.History(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := reads.Load(); got != step.wantReads {
			t.Errorf("after %v more: %d reads; want %d", step.advance, got, step.wantReads)
		}
	}
}

// TestFailuresAreCachedToo: a denied read is not repeated before the TTL.
func TestFailuresAreCachedToo(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	var reads atomic.Int64
	denied := errors.New("access denied: cloudwatch:GetMetricData")
	c := NewCache(func(ctx context.Context) (History, error) { reads.Add(1); return History{}, denied }, WithClock(clk.now))
	for range 3 {
		if _, err := c.History(context.Background()); !errors.Is(err, denied) {
			t.Errorf("History = %v; want %v", err, denied)
		}
	}
	clk.add(DefaultTTL)
	_, _ = c.History(context.Background())
	if got := reads.Load(); got != 2 {
		t.Errorf("%d reads; want 2 (one, then one after the TTL)", got)
	}
}

// TestHungReadHoldsNoCaller: a caller waits at most until its own context
// ends; the read goes on to its timeout, and the next caller after that
// starts a new read.
func TestHungReadHoldsNoCaller(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var reads atomic.Int64
		c := NewCache(func(ctx context.Context) (History, error) {
			reads.Add(1)
			<-ctx.Done() // a CloudWatch that never answers
			return History{}, ctx.Err()
		}, WithReadTimeout(3*time.Second))
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.History(ctx)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 2*time.Second {
			t.Errorf("History = %v after %v; want the caller's deadline after 2s", err, time.Since(start))
		}
		synctest.Wait()
		// The read's own timeout ends it, 3s after it began; its failure is
		// then cached like any other.
		time.Sleep(time.Second)
		synctest.Wait()
		if _, err := c.History(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("History after the read's timeout = %v; want its cached failure", err)
		}
		if got := reads.Load(); got != 1 {
			t.Errorf("%d reads; want 1", got)
		}
	})
}

// TestFrozenReadIsNotCached: a read that fails long after its timeout (the
// Lambda instance was frozen in between) is not cached; the next caller
// reads again.
func TestFrozenReadIsNotCached(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	var reads atomic.Int64
	c := NewCache(func(ctx context.Context) (History, error) {
		if reads.Add(1) == 1 {
			clk.add(10 * time.Minute) // frozen between two invocations
			return History{}, context.DeadlineExceeded
		}
		return History{Time: clk.now()}, nil
	}, WithClock(clk.now))
	if _, err := c.History(context.Background()); err == nil {
		t.Fatal("the frozen read: no error")
	}
	if h, err := c.History(context.Background()); err != nil || h.Time.IsZero() || reads.Load() != 2 {
		t.Errorf("after a frozen read: %v, %v, %d reads; want a new read's history", h, err, reads.Load())
	}
}
