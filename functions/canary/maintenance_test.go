package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

// TestMaintenanceWindowCoversNow: through a HEALTH_MAINTENANCE window that
// covers now (testenv.MaintenanceNow, the health function's test's window),
// the canary's EMF carries InMaintenance 1 on the run's line; without one,
// 0. Either way a dependency that is down still gives Success 0: the window
// changes what the SLO and the alarms make of a run, never the run.
func TestMaintenanceWindowCoversNow(t *testing.T) {
	window, _ := testenv.MaintenanceNow()
	for _, tt := range []struct {
		maintenance string
		want        float64
	}{{window, 1}, {"", 0}} {
		t.Setenv("HEALTH_CHECKS", checksEnv(t))
		t.Setenv("HEALTH_METRICS", "emf")
		t.Setenv("HEALTH_SERVICE", "orders")
		t.Setenv(config.EnvMaintenance, tt.maintenance)
		var emf bytes.Buffer
		runner, _, err := setupWith(context.Background(), discard(), &emf)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := runner.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		run := strings.SplitN(emf.String(), "\n", 2)[0]
		var line map[string]any
		if err := json.Unmarshal([]byte(run), &line); err != nil || line[metrics.MetricInMaintenance] != tt.want ||
			line[metrics.MetricSuccess] != 0.0 || line["Check"] != nil {
			t.Errorf("%s=%s: the run's EMF line = %s; want %s %v and %s 0", config.EnvMaintenance, tt.maintenance, run,
				metrics.MetricInMaintenance, tt.want, metrics.MetricSuccess)
		}
	}
}
