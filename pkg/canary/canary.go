// Package canary runs every check once and records the result as metrics.
// A failing check is data, not an error: Run returns an error only when the
// result could not be recorded at all, so that the canary function's own
// Errors metric means "the canary is broken".
package canary

import (
	"context"
	"log/slog"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

// Engine runs checks; *health.Checker fits.
type Engine interface {
	All(ctx context.Context) health.Report
}

// Recorder records a run's datapoints; *metrics.Publisher fits.
type Recorder interface {
	Publish(ctx context.Context, b metrics.Batch) error
}

// Runner runs the canary.
type Runner struct {
	engine      Engine
	recorder    Recorder
	service     string
	environment string
	logger      *slog.Logger
	now         func() time.Time
}

// Option configures a Runner.
type Option func(*Runner)

// WithService sets the Service and Environment dimensions. Default "health"
// and metrics.DefaultEnvironment.
func WithService(service, environment string) Option {
	return func(r *Runner) { r.service, r.environment = service, environment }
}

// WithLogger sets the logger for the run's summary line. Default: discard.
func WithLogger(l *slog.Logger) Option { return func(r *Runner) { r.logger = l } }

// New returns a Runner.
func New(engine Engine, recorder Recorder, opts ...Option) *Runner {
	r := &Runner{engine: engine, recorder: recorder, service: "health",
		logger: slog.New(slog.DiscardHandler), now: time.Now}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Run runs every check once, records the metrics and logs one summary line.
// The engine logs one line per check.
func (r *Runner) Run(ctx context.Context) (health.Report, error) {
	start := r.now()
	rep := r.engine.All(ctx)
	elapsed := r.now().Sub(start)
	batch := metrics.FromReport(r.service, r.environment, start, elapsed, rep)
	err := r.recorder.Publish(ctx, batch)

	failed, warned := 0, 0
	for _, res := range rep.Results {
		switch res.Status {
		case health.StatusFail:
			failed++
		case health.StatusWarn:
			warned++
		}
	}
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelError
	}
	r.logger.LogAttrs(ctx, level, "canary run",
		slog.String("status", string(rep.Status)),
		slog.Int("checks", len(rep.Results)),
		slog.Int("failed", failed),
		slog.Int("warned", warned),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.Int("datapoints", len(batch.Data)),
		slog.Bool("recorded", err == nil),
	)
	return rep, err
}
