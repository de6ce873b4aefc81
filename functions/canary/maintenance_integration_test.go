package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/internal/testenv/ssmtest"
	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

// TestMaintenanceSwitchFromLocalStack: with the drain parameter (in
// LocalStack's SSM) at "maintenance", each run reads it and publishes
// InMaintenance 1; at "serve", 0.
func TestMaintenanceSwitchFromLocalStack(t *testing.T) {
	testenv.SetAWSEnv(t)
	ctx := context.Background()
	param := "/lambdahealth-it/canary-maintenance-" + testenv.RandomSuffix(t)
	put := ssmtest.Parameter(t, awsConfig(t), param, "maintenance")
	t.Setenv("HEALTH_CHECKS", checksEnv(t))
	t.Setenv("HEALTH_METRICS", "emf")
	t.Setenv("HEALTH_DRAIN_PARAMETER", param)
	var emf bytes.Buffer
	// A generous switch timeout: what is tested is the value reaching the
	// datapoint, not LocalStack answering in 500ms on a loaded machine
	// (pkg/maintenance tests the timeout itself).
	runner, _, err := setupWith(ctx, discard(), &emf, maintenance.WithSwitchTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		value string
		want  float64
	}{{"maintenance", 1}, {"serve", 0}, {"drain", 0}} {
		put(tt.value)
		emf.Reset()
		if _, err := runner.Run(ctx); err != nil {
			t.Fatal(err)
		}
		run := strings.SplitN(emf.String(), "\n", 2)[0]
		var line map[string]any
		if err := json.Unmarshal([]byte(run), &line); err != nil || line[metrics.MetricInMaintenance] != tt.want {
			t.Errorf("parameter %q: the run's EMF line = %s; want %s %v", tt.value, run, metrics.MetricInMaintenance, tt.want)
		}
	}
}
