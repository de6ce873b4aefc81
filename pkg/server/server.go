// Package server serves an http.Handler outside Lambda, on a loopback
// address by default, with timeouts and a graceful shutdown that first
// keeps answering for a drain delay, so that load balancers and probes see
// readiness fail before the listener closes.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// DefaultHandlerTimeout is the handler time that the server's write
// timeout and shutdown wait follow unless WithHandlerTimeout says
// otherwise: the health engine's default budget.
const DefaultHandlerTimeout = health.DefaultBudget

// What the server adds to the handler time. A response may be written at
// the end of the budget and still has to reach a slow client (writeSlack);
// a request that arrived just before shutdown has the budget plus the time
// to render and write a small health document (shutdownSlack).
const (
	writeSlack    = 10 * time.Second
	shutdownSlack = 3 * time.Second
)

type options struct {
	logger         *slog.Logger
	onShutdown     func()
	drainDelay     time.Duration
	handlerTimeout time.Duration
	ready          chan<- string
}

// Option configures Run.
type Option func(*options)

// WithLogger sets the logger. Default: discard.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithOnShutdown sets what runs when ctx is done, before the drain delay
// (mark the service as draining there). Default: nothing.
func WithOnShutdown(f func()) Option { return func(o *options) { o.onShutdown = f } }

// WithDrainDelay sets how long the server keeps answering after ctx is
// done and before it stops accepting connections. Default 0.
func WithDrainDelay(d time.Duration) Option { return func(o *options) { o.drainDelay = d } }

// WithHandlerTimeout sets the longest the handler takes to answer (the
// health budget, HEALTH_BUDGET). The write timeout is d + 10s and, on
// shutdown, in-flight requests get d + 3s to finish, so that an answer
// written on time is never cut. Default DefaultHandlerTimeout (2s).
func WithHandlerTimeout(d time.Duration) Option { return func(o *options) { o.handlerTimeout = d } }

// WithReady sets a channel that receives the bound address once the
// listener is open (useful with port 0). Default: none.
func WithReady(ch chan<- string) Option { return func(o *options) { o.ready = ch } }

// Run serves h on addr until ctx is done, then runs the shutdown hook,
// keeps serving for the drain delay, and shuts down gracefully.
func Run(ctx context.Context, addr string, h http.Handler, opts ...Option) error {
	o := newOptions(opts...)
	// Plain TCP: since Go 1.24 a listener probes for and opens Multipath TCP,
	// which a health endpoint gains nothing from and which took 0.6 ms of a
	// cold start's ~8 ms of CPU (docs/PERFORMANCE.md).
	var lc net.ListenConfig
	lc.SetMultipathTCP(false)
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	return o.serve(ctx, ln, h)
}

// serve is Run on a listener already open (its tests give it one in
// memory, to run the server's time inside a testing/synctest bubble).
func (o options) serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := o.server(h)
	o.logger.Info("serving", slog.String("address", ln.Addr().String()))
	if o.ready != nil {
		o.ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	if o.onShutdown != nil {
		o.onShutdown()
	}
	if o.drainDelay > 0 {
		o.logger.Info("draining", slog.Duration("delay", o.drainDelay))
		time.Sleep(o.drainDelay)
	}
	sctx, cancel := context.WithTimeout(context.Background(), o.shutdownWait())
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	o.logger.Info("stopped")
	return nil
}

func newOptions(opts ...Option) options {
	o := options{logger: slog.New(slog.DiscardHandler), handlerTimeout: DefaultHandlerTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// server returns the http.Server of h, its write timeout derived from the
// handler time.
func (o options) server(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      o.handlerTimeout + writeSlack,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(o.logger.Handler(), slog.LevelWarn),
	}
}

// shutdownWait is how long in-flight requests get to finish on shutdown.
func (o options) shutdownWait() time.Duration { return o.handlerTimeout + shutdownSlack }
