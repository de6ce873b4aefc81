package healthhttp

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// TestMountAnswersEveryRouteAndAlias: one call mounts every route and alias
// on a ServeMux (issue 12: mounting took two lines and the aliases 404ed).
func TestMountAnswersEveryRouteAndAlias(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/orders", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	mustHandler(t, newFake(health.StatusPass)).Mount(mux)
	tests := []struct {
		path string
		want int
	}{
		{RouteHealth, 200}, {RouteHealth + "/", 200}, {RouteLive, 200}, {RouteLive + "/", 200},
		{RouteReady, 200}, {RouteChecks + "db", 200}, {RouteChecks + "nope", 404},
		{AliasLivez, 200}, {AliasHealthz, 200}, {AliasReadyz, 200}, {AliasReadyz + "/", 200},
		{"/health/nope", 404}, {"/orders", http.StatusTeapot}, {"/other", 404},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
		if rec.Code != tt.want {
			t.Errorf("GET %s = %d; want %d", tt.path, rec.Code, tt.want)
		}
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("POST", AliasReadyz, nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /readyz = %d Allow %q; want 405 GET, HEAD", rec.Code, rec.Header().Get("Allow"))
	}
}

// TestBasePath: the routes live under any prefix or name, with the aliases
// beside them (issue 12: the handler could not live under a prefix).
func TestBasePath(t *testing.T) {
	tests := []struct {
		base      string
		answered  []string
		notThere  []string
		wantPaths []string
	}{
		{"/v1/health", []string{"/v1/health", "/v1/health/live", "/v1/health/ready", "/v1/health/checks/db", "/v1/livez", "/v1/healthz", "/v1/readyz"},
			[]string{"/health/ready", "/readyz", "/v1/health/x"}, []string{"/v1/health", "/v1/health/", "/v1/livez", "/v1/healthz", "/v1/readyz"}},
		{"/status/", []string{"/status", "/status/ready", "/status/live", "/readyz", "/livez"},
			[]string{"/health/ready", "/status/readyz"}, []string{"/status", "/status/", "/livez", "/healthz", "/readyz"}},
		{"/", []string{"/", "/ready", "/live", "/checks/db", "/readyz"}, []string{"/health"}, []string{"/", "/", "/livez", "/healthz", "/readyz"}},
	}
	for _, tt := range tests {
		h := mustHandler(t, newFake(health.StatusPass), WithBasePath(tt.base))
		for _, p := range tt.answered {
			if rec := do(h, "GET", p); rec.Code != 200 {
				t.Errorf("base %q: GET %s = %d; want 200", tt.base, p, rec.Code)
			}
		}
		for _, p := range tt.notThere {
			if rec := do(h, "GET", p); rec.Code != 404 {
				t.Errorf("base %q: GET %s = %d; want 404", tt.base, p, rec.Code)
			}
		}
		if got := h.Paths(); len(got) != len(tt.wantPaths) || got[0] != tt.wantPaths[0] || got[2] != tt.wantPaths[2] {
			t.Errorf("base %q: Paths() = %q; want %q", tt.base, got, tt.wantPaths)
		}
		mux := http.NewServeMux()
		h.Mount(mux) // must not panic on the patterns it derives
	}
}
