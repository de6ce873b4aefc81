package health

import (
	"log/slog"
	"sync"
)

// ListenerQueue is how many status changes wait for slow listeners before
// new ones are dropped (and logged): a listener never holds a response.
const ListenerQueue = 256

// WithStatusListener calls fn with every change of the status a check
// reports (after flap damping), including the first run of each check in
// the instance (From empty). Calls happen on a goroutine of their own, one
// at a time and in order, outside every request: a slow or blocked fn
// delays no response; while ListenerQueue changes wait for it, further
// ones are dropped and logged. A panic in fn is recovered and logged. It
// may be given more than once; each fn gets every change. Background runs
// (Check.Interval) are heard like on-demand ones. NewChecker rejects a nil
// fn. Default: no listener.
func WithStatusListener(fn func(StatusChange)) Option {
	return func(c *Checker) {
		if fn == nil {
			c.optErrs = append(c.optErrs, optionError("WithStatusListener(nil)", "needs a function"))
			return
		}
		c.listeners = append(c.listeners, fn)
	}
}

// dispatcher hands status changes to the listeners from one goroutine,
// started when a change arrives and ended when none is left, so an idle
// Checker holds no goroutine.
type dispatcher struct {
	listeners []func(StatusChange)
	logger    *slog.Logger

	mu      sync.Mutex
	queue   []StatusChange
	running bool
}

// send queues ch without waiting for any listener.
func (d *dispatcher) send(ch StatusChange) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.queue) >= ListenerQueue {
		d.logger.Warn("status change dropped: listeners are behind",
			slog.String("check", ch.Check), slog.String("from", string(ch.From)), slog.String("to", string(ch.To)))
		return
	}
	d.queue = append(d.queue, ch)
	if !d.running {
		d.running = true
		go d.drain()
	}
}

func (d *dispatcher) drain() {
	for {
		d.mu.Lock()
		if len(d.queue) == 0 {
			d.running = false
			d.mu.Unlock()
			return
		}
		ch := d.queue[0]
		d.queue = d.queue[1:]
		d.mu.Unlock()
		for _, fn := range d.listeners {
			d.call(fn, ch)
		}
	}
}

func (d *dispatcher) call(fn func(StatusChange), ch StatusChange) {
	defer func() {
		if p := recover(); p != nil {
			d.logger.Error("status listener panicked", slog.String("check", ch.Check))
		}
	}()
	fn(ch)
}
