package healthhttp

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// fakeMaintenance is a hand-written Maintenance with a function field.
type fakeMaintenance struct {
	notes func(ctx context.Context) []string
}

func (f fakeMaintenance) Notes(ctx context.Context) []string { return f.notes(ctx) }

const note = "maintenance until 2026-12-07T02:00:00Z: database <upgrade>"

// TestMaintenanceNotes: during maintenance every route but liveness says
// so, in the JSON's notes and as a banner on the page, whatever the details
// policy, and the status codes stay the truth.
func TestMaintenanceNotes(t *testing.T) {
	m := fakeMaintenance{notes: func(context.Context) []string { return []string{note} }}
	for _, details := range []Details{DetailsNever, DetailsAlways} {
		h := mustHandler(t, newFake(health.StatusFail), WithDetails(details), WithMaintenance(m))
		for _, path := range []string{"/health", "/health/ready", "/health/checks/db"} {
			rec := do(h, "GET", path)
			var body Response
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 503 ||
				len(body.Notes) != 1 || body.Notes[0] != note {
				t.Errorf("details %s: GET %s = %d %s; want 503 with notes [%q]", details, path, rec.Code, rec.Body, note)
			}
			page := do(h, "GET", path, "Accept", acceptFirefox)
			banner := `<p class="maintenance" role="status" data-maintenance>maintenance until 2026-12-07T02:00:00Z: database &lt;upgrade&gt;</p>`
			if page.Code != 503 || !strings.Contains(page.Body.String(), banner) {
				t.Errorf("details %s: page %s = %d, lacks the banner %s:\n%s", details, path, page.Code, banner, page.Body)
			}
		}
		if rec := do(h, "GET", "/health/live"); strings.Contains(rec.Body.String(), "notes") {
			t.Errorf("liveness = %s; want no notes (it does no I/O)", rec.Body)
		}
	}
}

// TestNoMaintenanceNoNotes: outside maintenance the answer has no notes
// member at all, and the page no banner.
func TestNoMaintenanceNoNotes(t *testing.T) {
	m := fakeMaintenance{notes: func(context.Context) []string { return nil }}
	with := mustHandler(t, newFake(health.StatusPass), WithDetails(DetailsAlways), WithMaintenance(m))
	without := mustHandler(t, newFake(health.StatusPass), WithDetails(DetailsAlways))
	for _, path := range []string{"/health", "/health/ready", "/health/checks/db"} {
		got, want := do(with, "GET", path), do(without, "GET", path)
		if got.Body.String() != want.Body.String() || strings.Contains(got.Body.String(), "notes") {
			t.Errorf("GET %s outside maintenance = %s; want %s", path, got.Body, want.Body)
		}
		if page := do(with, "GET", path, "Accept", acceptFirefox); strings.Contains(page.Body.String(), "data-maintenance") {
			t.Errorf("page %s outside maintenance has a banner", path)
		}
	}
}

// TestHungMaintenanceHoldsNoAnswer: a Maintenance that never answers costs
// the answer its notes, not its status: the request ends with its context.
func TestHungMaintenanceHoldsNoAnswer(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	m := fakeMaintenance{notes: func(context.Context) []string { <-release; return []string{note} }}
	h := mustHandler(t, newFake(health.StatusPass), WithMaintenance(m))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/health/ready", nil).WithContext(ctx))
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "notes") {
		t.Errorf("GET /health/ready = %d %s; want 200 without notes", rec.Code, rec.Body)
	}
}
