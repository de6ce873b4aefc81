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
	"github.com/lambdahealth/lambdahealth/pkg/settings"
)

// Engine runs checks, and says by when a run with ctx must have them
// answered; *health.Checker fits.
type Engine interface {
	All(ctx context.Context) health.Report
	Deadline(ctx context.Context) time.Time
}

// Recorder records a run's datapoints; *metrics.Publisher fits.
type Recorder interface {
	Publish(ctx context.Context, b metrics.Batch) error
}

// Maintenance tells whether maintenance is under way;
// *maintenance.Monitor fits.
type Maintenance interface {
	InMaintenance(ctx context.Context) bool
}

// Runner runs the canary.
type Runner struct {
	engine      Engine
	recorder    Recorder
	maintenance Maintenance
	service     string
	environment string
	logger      *slog.Logger
	now         func() time.Time
}

// Option configures a Runner.
type Option func(*Runner)

// WithService sets the Service and Environment dimensions. Default
// settings.DefaultService ("health")
// and metrics.DefaultEnvironment.
func WithService(service, environment string) Option {
	return func(r *Runner) { r.service, r.environment = service, environment }
}

// WithLogger sets the logger for the run's summary line. Default: discard.
func WithLogger(l *slog.Logger) Option { return func(r *Runner) { r.logger = l } }

// WithMaintenance sets what the run's InMaintenance datapoint reports.
// Default: never in maintenance (InMaintenance is 0).
func WithMaintenance(m Maintenance) Option { return func(r *Runner) { r.maintenance = m } }

// New returns a Runner.
func New(engine Engine, recorder Recorder, opts ...Option) *Runner {
	r := &Runner{engine: engine, recorder: recorder, service: settings.DefaultService,
		logger: slog.New(slog.DiscardHandler), now: time.Now}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Run runs every check once, records the metrics and logs one summary line.
// The engine logs one line per check.
func (r *Runner) Run(ctx context.Context) (health.Report, error) {
	// Whether maintenance is under way is read while the checks run, so
	// that a slow read of the switch costs the run no time.
	// It ends when the checks must, so that the time kept for publishing
	// stays kept.
	mctx, cancel := context.WithDeadline(ctx, r.engine.Deadline(ctx))
	defer cancel()
	maint := make(chan bool, 1)
	go func() { maint <- r.maintenance != nil && r.maintenance.InMaintenance(mctx) }()
	start := r.now()
	rep := r.engine.All(ctx)
	elapsed := r.now().Sub(start)
	inMaintenance := <-maint
	batch := metrics.FromReport(r.service, r.environment, start, elapsed, rep)
	batch.Data = append(batch.Data, metrics.InMaintenance(inMaintenance))
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
		slog.Bool("maintenance", inMaintenance),
		slog.Bool("recorded", err == nil),
	)
	return rep, err
}
