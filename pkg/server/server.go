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
)

// ShutdownTimeout is how long in-flight requests get to finish.
const ShutdownTimeout = 5 * time.Second

type options struct {
	logger     *slog.Logger
	onShutdown func()
	drainDelay time.Duration
	ready      chan<- string
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

// WithReady sets a channel that receives the bound address once the
// listener is open (useful with port 0). Default: none.
func WithReady(ch chan<- string) Option { return func(o *options) { o.ready = ch } }

// Run serves h on addr until ctx is done, then runs the shutdown hook,
// keeps serving for the drain delay, and shuts down gracefully.
func Run(ctx context.Context, addr string, h http.Handler, opts ...Option) error {
	o := options{logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(o.logger.Handler(), slog.LevelWarn),
	}
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
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
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
