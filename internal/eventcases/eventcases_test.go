package eventcases

import (
	"net/http"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
)

func TestExpect(t *testing.T) {
	const problem = "application/problem+json"
	tests := []struct {
		name    string
		healthy bool
		want    Want
	}{
		{"health-v2-ready.json", true, Want{Code: 200, ContentType: healthhttp.ContentType}},
		{"health-v2-ready.json", false, Want{Code: 503, ContentType: healthhttp.ContentType}},
		{"health-alb-live.json", false, Want{Code: 200, ContentType: healthhttp.ContentType}},
		{"health-v1-livez.json", false, Want{Code: 200, ContentType: healthhttp.ContentType}},
		{"health-furl-head.json", false, Want{Code: 503, ContentType: healthhttp.ContentType, EmptyBody: true}},
		{"health-v2-health-token.json", true, Want{Code: 200, ContentType: healthhttp.ContentType, Details: true}},
		{"health-furl-health-iam.json", false, Want{Code: 503, ContentType: healthhttp.ContentType, Details: true}},
		{"health-v1-check-unknown.json", false, Want{Code: http.StatusNotFound, ContentType: problem}},
		{"health-alb-unknown.json", true, Want{Code: http.StatusNotFound, ContentType: problem}},
		{"health-v2-post.json", true, Want{Code: http.StatusMethodNotAllowed, ContentType: problem}},
		{"../../events/health-alb-check.json", false, Want{Code: 503, ContentType: healthhttp.ContentType}},
		{"health-v2-page.json", false, Want{Code: 503, ContentType: healthhttp.PageContentType}},
		{"health-alb-page.json", true, Want{Code: 200, ContentType: healthhttp.PageContentType}},
		{"health-alb-multivalue-ready.json", false, Want{Code: 503, ContentType: healthhttp.ContentType, MultiValue: true}},
		{"health-v2-new-case.json", true, Want{}},
	}
	for _, tt := range tests {
		if got := Expect(tt.name, tt.healthy); got != tt.want {
			t.Errorf("Expect(%q, %v) = %+v; want %+v", tt.name, tt.healthy, got, tt.want)
		}
	}
}

func TestFiles(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	files, err := Files(filepath.Join(filepath.Dir(file), "..", ".."))
	if err != nil || len(files) == 0 {
		t.Fatalf("Files() = %d files, %v; want the events/health-*.json files", len(files), err)
	}
	for _, f := range files {
		if m, _ := filepath.Match("health-*.json", filepath.Base(f)); !m {
			t.Errorf("Files() includes %s", f)
		}
	}
}

// TestTableCoversEvents: every events/health-*.json file has a row in
// Table, and every row names a file that exists.
func TestTableCoversEvents(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	files, err := Files(filepath.Join(filepath.Dir(file), "..", ".."))
	if err != nil || len(files) == 0 {
		t.Fatalf("Files() = %d files, %v; want the events/health-*.json files", len(files), err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := filepath.Base(f)
		seen[name] = true
		if _, ok := Table[name]; !ok {
			t.Errorf("events/%s has no row in Table", name)
		}
	}
	for name := range Table {
		if !seen[name] {
			t.Errorf("Table row %s names no file in events/", name)
		}
	}
}

// recorder is a testing.TB that counts Errorf calls.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, format)
}

func TestVerify(t *testing.T) {
	id := Identity{ServiceID: "orders", ReleaseID: "1.2.3", Version: "1", Check: "db:responseTime", ComponentType: "datastore"}
	good := `{"statusCode":200,"statusDescription":"200 OK","headers":{"Content-Type":"application/health+json","Cache-Control":"no-store"},` +
		`"body":"{\"status\":\"pass\",\"version\":\"1\",\"releaseId\":\"1.2.3\",\"serviceId\":\"orders\"}"}`
	tests := []struct {
		name, file, out string
		healthy         bool
		wantErrors      int
	}{
		{"good", "health-alb-ready.json", good, true, 0},
		{"wrong code", "health-alb-ready.json", good, false, 1},
		{"multi-value mode expected", "health-alb-multivalue-ready.json", good, true, 1},
		{"not JSON", "health-v2-ready.json", `nope`, true, 1},
		{"no row", "health-v2-new-case.json", good, true, 1},
		{"no Cache-Control", "health-v2-live.json", `{"statusCode":200,"headers":{"Content-Type":"application/health+json"},` +
			`"body":"{\"status\":\"pass\",\"version\":\"1\",\"releaseId\":\"1.2.3\",\"serviceId\":\"orders\"}"}`, true, 1},
		{"405 without Allow", "health-v2-post.json", `{"statusCode":405,"headers":{"Content-Type":"application/problem+json","Cache-Control":"no-store"}}`, true, 1},
		{"details missing", "health-v2-health-token.json", `{"statusCode":200,"headers":{"Content-Type":"application/health+json","Cache-Control":"no-store"},` +
			`"body":"{\"status\":\"pass\",\"version\":\"1\",\"releaseId\":\"1.2.3\",\"serviceId\":\"orders\"}"}`, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			Verify(r, tt.file, []byte(tt.out), Expect(tt.file, tt.healthy), id)
			if len(r.errors) != tt.wantErrors {
				t.Errorf("Verify(%s) reported %d differences %q; want %d", tt.file, len(r.errors), r.errors, tt.wantErrors)
			}
		})
	}
}
