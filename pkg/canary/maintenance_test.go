package canary

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

// TestInMaintenance: the run's EMF line carries InMaintenance 1 while a
// window covers now, and 0 once it has closed (an injected clock), as a
// service-level metric only.
func TestInMaintenance(t *testing.T) {
	windows, err := maintenance.Parse(`[{"start":"2026-12-07T00:00:00Z","end":"2026-12-07T02:00:00Z","reason":"database upgrade"}]`)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	monitor := maintenance.NewMonitor(windows, maintenance.WithClock(func() time.Time { return now }))
	for _, tt := range []struct {
		at   time.Time
		want float64
	}{{now, 1}, {time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC), 0}} {
		now = tt.at
		var emf bytes.Buffer
		pub, err := metrics.NewPublisher(nil, metrics.WithMode(metrics.ModeEMF), metrics.WithEMFWriter(&emf))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := New(checker(t), pub, WithService("orders", "prod"), WithMaintenance(monitor)).Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(emf.String()), "\n")
		var run map[string]any
		if err := json.Unmarshal([]byte(lines[0]), &run); err != nil {
			t.Fatal(err)
		}
		if got, ok := run[metrics.MetricInMaintenance].(float64); !ok || got != tt.want || run[metrics.DimCheck] != nil {
			t.Errorf("at %s the run's EMF line = %s; want %s %v", tt.at, lines[0], metrics.MetricInMaintenance, tt.want)
		}
		if !strings.Contains(lines[0], `{"Name":"InMaintenance","Unit":"None"}`) {
			t.Errorf("the run's EMF directive lacks InMaintenance: %s", lines[0])
		}
		for _, l := range lines[1:] {
			if strings.Contains(l, metrics.MetricInMaintenance) {
				t.Errorf("a per-check EMF line carries InMaintenance: %s", l)
			}
		}
	}
}

// TestMaintenanceReadWhileChecksRun: the switch is read while the checks
// run, not before them: the checks' engine answers only once the switch's
// read has begun, and the switch answers only once the checks have begun,
// so a run that did one after the other would never end.
func TestMaintenanceReadWhileChecksRun(t *testing.T) {
	readBegun, checksBegun := make(chan struct{}), make(chan struct{})
	engine := engineFunc{Checker: checker(t), all: func(ctx context.Context, c *health.Checker) health.Report {
		close(checksBegun)
		<-readBegun
		return c.All(ctx)
	}}
	monitor := maintenance.NewMonitor(nil, maintenance.WithSwitchTimeout(time.Minute),
		maintenance.WithSwitch(func(ctx context.Context) (bool, error) {
			close(readBegun)
			<-checksBegun
			return true, nil
		}))
	var emf bytes.Buffer
	pub, err := metrics.NewPublisher(nil, metrics.WithMode(metrics.ModeEMF), metrics.WithEMFWriter(&emf))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(engine, pub, WithMaintenance(monitor)).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	var run map[string]any
	if err := json.Unmarshal([]byte(strings.SplitN(emf.String(), "\n", 2)[0]), &run); err != nil || run[metrics.MetricInMaintenance] != float64(1) {
		t.Errorf("the run's EMF line = %s; want %s 1", emf.String(), metrics.MetricInMaintenance)
	}
}

// engineFunc is a checker whose All runs all instead.
type engineFunc struct {
	*health.Checker
	all func(ctx context.Context, c *health.Checker) health.Report
}

func (e engineFunc) All(ctx context.Context) health.Report { return e.all(ctx, e.Checker) }

// TestHungSwitchEndsWithTheChecks: a switch that never answers is given no
// longer than the checks are (the engine's deadline), however long its own
// timeout, so the run still publishes, as not in maintenance.
func TestHungSwitchEndsWithTheChecks(t *testing.T) {
	c, err := health.NewChecker(nil, health.WithBudget(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	monitor := maintenance.NewMonitor(nil, maintenance.WithSwitchTimeout(time.Hour),
		maintenance.WithSwitch(func(ctx context.Context) (bool, error) { <-ctx.Done(); return true, ctx.Err() }))
	var emf bytes.Buffer
	pub, err := metrics.NewPublisher(nil, metrics.WithMode(metrics.ModeEMF), metrics.WithEMFWriter(&emf))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := New(c, pub, WithMaintenance(monitor)).Run(context.Background()); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the run waited on a hung switch past the checks' deadline")
	}
	var run map[string]any
	if err := json.Unmarshal([]byte(strings.SplitN(emf.String(), "\n", 2)[0]), &run); err != nil || run[metrics.MetricInMaintenance] != float64(0) {
		t.Errorf("the run's EMF line = %s; want %s 0", emf.String(), metrics.MetricInMaintenance)
	}
}
