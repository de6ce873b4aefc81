package main

import (
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/internal/testenv/ssmtest"
	"github.com/lambdahealth/lambdahealth/pkg/checkbuild"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/healthjson"
	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
)

// TestMaintenanceSwitchFromLocalStack: the drain parameter's value
// "maintenance" (in LocalStack's SSM) puts the note in readiness's answer
// without draining it; "drain" drains, with no note.
func TestMaintenanceSwitchFromLocalStack(t *testing.T) {
	awsCfg, _ := localAWS(t)
	param := "/lambdahealth-it/maintenance-" + testenv.RandomSuffix(t)
	put := ssmtest.Parameter(t, awsCfg, param, "maintenance")
	env := map[string]string{"HEALTH_DRAIN_PARAMETER": param, "HEALTH_CACHE_TTL": "0s"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	// A generous switch timeout: what is tested is the value reaching the
	// answer, not LocalStack answering in 500ms on a loaded machine
	// (pkg/maintenance tests the timeout itself).
	_, handler, err := setupWithin(slog.New(slog.DiscardHandler), cfg, checkbuild.StartupTimeout, maintenance.WithSwitchTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	adHoc := []string{maintenance.Note(maintenance.AdHocReason, time.Time{})}
	for _, tt := range []struct {
		value     string
		wantCode  int
		wantNotes []string
	}{{"maintenance", 200, adHoc}, {"drain", 503, nil}, {"serve", 200, nil}, {" MAINTENANCE\n", 200, adHoc}} {
		put(tt.value)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest("GET", "/health/ready", nil))
		var body healthjson.Response
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != tt.wantCode || !slices.Equal(body.Notes, tt.wantNotes) {
			t.Errorf("parameter %q: GET /health/ready = %d %s; want %d with notes %q", tt.value, rec.Code, rec.Body, tt.wantCode, tt.wantNotes)
		}
	}
}
