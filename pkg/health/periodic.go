package health

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// background holds the last results of the checks with an Interval, which
// only (*Checker).Start runs.
type background struct {
	mu      sync.Mutex
	running int                      // Starts whose loops still run
	latest  map[string]Result        // the last run of each background check
	first   map[string]chan struct{} // closed by each check's first run
}

func (b *background) init(checks []Check) {
	b.latest = map[string]Result{}
	b.first = map[string]chan struct{}{}
	for _, ch := range checks {
		if ch.Interval > 0 {
			b.first[ch.Name] = make(chan struct{})
		}
	}
}

// Start runs every check that has an Interval in the background until ctx
// ends: each at once, then every Interval, each run inside the check's
// timeout (or the budget). Requests then read the last result of such a
// check and never probe it themselves, so a storm of requests costs no
// dependency call at all. Background runs count towards flap damping and
// reach the status listeners exactly as on-demand runs do. Start returns
// at once; a second Start while the first runs does nothing.
//
// It is for long-running servers. Inside Lambda the process is frozen
// between invocations, so background runs would not happen between them:
// there the cache (WithCacheTTL) and the scheduled canary serve that role.
func (c *Checker) Start(ctx context.Context) {
	var periodic []Check
	for _, ch := range c.checks {
		if ch.Interval > 0 {
			periodic = append(periodic, ch)
		}
	}
	c.bg.mu.Lock()
	if c.bg.running > 0 || len(periodic) == 0 {
		c.bg.mu.Unlock()
		return
	}
	c.bg.running = len(periodic)
	c.bg.mu.Unlock()
	for _, ch := range periodic {
		go c.loop(ctx, ch)
	}
}

// loop runs ch now and every Interval until ctx ends.
func (c *Checker) loop(ctx context.Context, ch Check) {
	defer func() {
		c.bg.mu.Lock()
		c.bg.running--
		c.bg.mu.Unlock()
	}()
	ticker := time.NewTicker(ch.Interval)
	defer ticker.Stop()
	for {
		c.runInBackground(ctx, ch)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// runInBackground makes one background run of ch and keeps its result; a
// run cut short because ctx ended says nothing about the dependency and is
// dropped.
func (c *Checker) runInBackground(ctx context.Context, ch Check) {
	r := c.probe(ctx, ch, c.limit(ch))
	if ctx.Err() != nil {
		return
	}
	r = c.account(ctx, ch, r, !r.suspended)
	c.bg.mu.Lock()
	_, seen := c.bg.latest[ch.Name]
	c.bg.latest[ch.Name] = r
	c.bg.mu.Unlock()
	if !seen {
		close(c.bg.first[ch.Name])
	}
}

// last answers a request for a background check from its last run: at
// once when there is one, or by the request's deadline when the first run
// is still going. A result older than 2 Intervals plus the run's limit,
// and a check with no run at all, is reported warn "stale: …".
func (c *Checker) last(ctx context.Context, ch Check, deadline time.Time) Result {
	c.bg.mu.Lock()
	r, ok := c.bg.latest[ch.Name]
	running := c.bg.running > 0
	c.bg.mu.Unlock()
	if !ok && running {
		if wait := deadline.Sub(c.now()); wait > 0 {
			timer := time.NewTimer(wait)
			select {
			case <-c.bg.first[ch.Name]:
				c.bg.mu.Lock()
				r, ok = c.bg.latest[ch.Name]
				c.bg.mu.Unlock()
			case <-timer.C:
			case <-ctx.Done():
			}
			timer.Stop()
		}
	}
	now := c.now()
	if !ok {
		r = newResult(ch, now)
		r.Status, r.Output = StatusWarn, "stale: never run (the checker was not started)"
		if running {
			r.Output = "stale: the first run has not finished"
		}
		return r
	}
	r.Cached = true
	if age := now.Sub(r.Time); age > 2*ch.Interval+c.limit(ch) {
		r.Status = StatusWarn
		r.Output = capOutput(joinOutput(fmt.Sprintf("stale: last run %s ago", age.Round(time.Second)), r.Output))
	}
	return r
}
