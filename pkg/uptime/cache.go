package uptime

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// DefaultTTL is how long Cache reuses a read, whether it succeeded or not.
const DefaultTTL = 60 * time.Second

// DefaultReadTimeout bounds one read of the history.
const DefaultReadTimeout = 5 * time.Second

// frozenSlack is how far past its timeout a read must have ended for the
// process to have been frozen during it.
const frozenSlack = time.Second

// Cache reads the history at most once per TTL, however many callers ask:
// concurrent callers share one read, and a read's answer, a failure too,
// is reused until the TTL has passed since it ended, so that a service
// that denies or throttles the reads is not asked more often either (but
// for the failure of a read that outlived a frozen Lambda instance). A
// read runs to its own timeout whatever its callers do: a caller that stops
// waiting (its request's budget is spent) leaves the read to fill the cache
// for the next one. It is safe for concurrent use.
type Cache struct {
	read    func(ctx context.Context) (History, error)
	ttl     time.Duration
	timeout time.Duration
	now     func() time.Time
	group   singleflight.Group

	mu   sync.Mutex
	last History
	err  error
	at   time.Time
	done bool
}

// Option configures a Cache.
type Option func(*Cache)

// WithTTL sets how long a read is reused. Default DefaultTTL (60s).
func WithTTL(d time.Duration) Option { return func(c *Cache) { c.ttl = d } }

// WithReadTimeout sets the longest one read may take. Default
// DefaultReadTimeout (5s).
func WithReadTimeout(d time.Duration) Option { return func(c *Cache) { c.timeout = d } }

// WithClock sets the clock that ages the reads. Default time.Now.
func WithClock(now func() time.Time) Option { return func(c *Cache) { c.now = now } }

// NewCache returns a Cache of the history that read reads. read's errors
// are shown to callers as they are: they must be safe classes (see
// health.Classify), never an SDK's message.
func NewCache(read func(ctx context.Context) (History, error), opts ...Option) *Cache {
	c := &Cache{read: read, ttl: DefaultTTL, timeout: DefaultReadTimeout, now: time.Now}
	for _, o := range opts {
		o(c)
	}
	return c
}

// History returns the last read when it is younger than the TTL, and
// otherwise waits for a new read (shared with the other callers) or for
// ctx's end, whichever comes first.
func (c *Cache) History(ctx context.Context) (History, error) {
	if h, ok, err := c.fresh(); ok {
		return h, err
	}
	ch := c.group.DoChan("", func() (any, error) {
		// A read that ended just before this one began serves it.
		if h, ok, err := c.fresh(); ok {
			return h, err
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
		defer cancel()
		start := c.now()
		h, err := c.read(rctx)
		if err != nil && c.now().Sub(start) > c.timeout+frozenSlack {
			// The read outlived its own timeout: the process was frozen
			// (a Lambda instance between invocations). Its failure says
			// nothing of CloudWatch; the next caller reads again.
			return h, err
		}
		c.mu.Lock()
		c.last, c.err, c.at, c.done = h, err, c.now(), true
		c.mu.Unlock()
		return h, err
	})
	select {
	case r := <-ch:
		h, _ := r.Val.(History)
		return h, r.Err
	case <-ctx.Done():
		return History{}, ctx.Err()
	}
}

// fresh returns the last read when it is younger than the TTL.
func (c *Cache) fresh() (History, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last, c.done && c.now().Sub(c.at) < c.ttl, c.err
}
