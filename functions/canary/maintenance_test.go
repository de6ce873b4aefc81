package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

// TestMaintenanceWindowCoversNow: through a HEALTH_MAINTENANCE window that
// covers now, the canary's EMF carries InMaintenance 1 on the run's line;
// without one, 0. The window is set around the real clock, hours wide.
func TestMaintenanceWindowCoversNow(t *testing.T) {
	now := time.Now().UTC()
	window := `[{"start":"` + now.Add(-time.Hour).Format(time.RFC3339) + `","end":"` +
		now.Add(2*time.Hour).Format(time.RFC3339) + `","reason":"database upgrade"}]`
	for _, tt := range []struct {
		maintenance string
		want        float64
	}{{window, 1}, {"", 0}} {
		t.Setenv("HEALTH_CHECKS", checksEnv(t))
		t.Setenv("HEALTH_METRICS", "emf")
		t.Setenv("HEALTH_SERVICE", "orders")
		t.Setenv("HEALTH_MAINTENANCE", tt.maintenance)
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
		if err := json.Unmarshal([]byte(run), &line); err != nil || line[metrics.MetricInMaintenance] != tt.want || line["Check"] != nil {
			t.Errorf("HEALTH_MAINTENANCE=%s: the run's EMF line = %s; want %s %v", tt.maintenance, run, metrics.MetricInMaintenance, tt.want)
		}
	}
}
