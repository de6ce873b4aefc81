package main

import (
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/healthjson"
)

// TestMaintenanceWindowCoversNow: through a HEALTH_MAINTENANCE window that
// covers now, the health function's JSON carries the note, the status page
// shows the banner, and readiness still answers 503 for a dependency that
// is down. The window is set around the real clock, hours wide: no wait.
func TestMaintenanceWindowCoversNow(t *testing.T) {
	t.Parallel()
	windows, wantNote := testenv.MaintenanceNow()
	env := map[string]string{
		"HEALTH_CHECKS":       `[{"name":"db","type":"tcp","address":"` + testenv.ClosedPort(t) + `","timeout":"300ms"}]`,
		config.EnvMaintenance: windows,
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	_, handler, err := setup(slog.New(slog.DiscardHandler), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/health/ready", "/health"} {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		var body healthjson.Response
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 503 || body.Status != "fail" ||
			len(body.Notes) != 1 || body.Notes[0] != wantNote {
			t.Errorf("GET %s = %d %s; want 503 fail with notes [%q]", path, rec.Code, rec.Body, wantNote)
		}
		page := httptest.NewRecorder()
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
		handler.ServeHTTP(page, req)
		if page.Code != 503 || !strings.Contains(page.Body.String(), `data-maintenance>`+wantNote+`</p>`) {
			t.Errorf("page %s = %d without the banner %q:\n%s", path, page.Code, wantNote, page.Body)
		}
	}
}
