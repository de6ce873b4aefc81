package healthhttp

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// fakeEngine is a hand-written Engine with function fields.
type fakeEngine struct {
	ready func(ctx context.Context) health.Report
	all   func(ctx context.Context) health.Report
	one   func(ctx context.Context, name string) (health.Result, error)
	calls atomic.Int64
}

func (f *fakeEngine) Ready(ctx context.Context) health.Report { f.calls.Add(1); return f.ready(ctx) }
func (f *fakeEngine) All(ctx context.Context) health.Report   { f.calls.Add(1); return f.all(ctx) }
func (f *fakeEngine) One(ctx context.Context, name string) (health.Result, error) {
	f.calls.Add(1)
	return f.one(ctx, name)
}

var when = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func report(status health.Status) health.Report {
	res := health.Result{Name: "db", Key: "db:responseTime", ComponentType: "datastore",
		Status: status, ObservedValue: 1.5, ObservedUnit: "ms", Time: when}
	if status != health.StatusPass {
		res.Output = "connection refused"
		res.ObservedValue, res.ObservedUnit = nil, ""
	}
	return health.Report{Status: status, Output: map[bool]string{true: "", false: "db: connection refused"}[status == health.StatusPass], Results: []health.Result{res}}
}

func newFake(status health.Status) *fakeEngine {
	return &fakeEngine{
		ready: func(context.Context) health.Report { return report(status) },
		all:   func(context.Context) health.Report { return report(status) },
		one: func(_ context.Context, name string) (health.Result, error) {
			if name != "db" {
				return health.Result{}, health.ErrUnknownCheck
			}
			return report(status).Results[0], nil
		},
	}
}

func do(h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestRoutes(t *testing.T) {
	tests := []struct {
		method, path string
		status       health.Status
		wantCode     int
		wantType     string
	}{
		{"GET", "/health/live", health.StatusFail, 200, ContentType},
		{"GET", "/livez", health.StatusFail, 200, ContentType},
		{"GET", "/healthz", health.StatusFail, 200, ContentType},
		{"GET", "/health/ready", health.StatusPass, 200, ContentType},
		{"GET", "/health/ready/", health.StatusPass, 200, ContentType},
		{"GET", "/readyz", health.StatusWarn, 200, ContentType},
		{"GET", "/health/ready", health.StatusFail, 503, ContentType},
		{"GET", "/health", health.StatusPass, 200, ContentType},
		{"GET", "/health", health.StatusFail, 503, ContentType},
		{"GET", "/health/checks/db", health.StatusPass, 200, ContentType},
		{"GET", "/health/checks/db", health.StatusFail, 503, ContentType},
		{"GET", "/health/checks/nope", health.StatusPass, 404, "application/problem+json"},
		{"GET", "/health/checks/", health.StatusPass, 404, "application/problem+json"},
		{"GET", "/health/checks/a/b", health.StatusPass, 404, "application/problem+json"},
		{"GET", "/nope", health.StatusPass, 404, "application/problem+json"},
		{"POST", "/health", health.StatusPass, 405, "application/problem+json"},
		{"DELETE", "/health/live", health.StatusPass, 405, "application/problem+json"},
		{"POST", "/nope", health.StatusPass, 404, "application/problem+json"},
		{"GET", "/health?timeout=bogus", health.StatusPass, 400, "application/problem+json"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path+" "+string(tt.status), func(t *testing.T) {
			rec := do(mustHandler(t, newFake(tt.status)), tt.method, tt.path)
			if rec.Code != tt.wantCode {
				t.Errorf("code = %d; want %d (%s)", rec.Code, tt.wantCode, rec.Body)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type = %q; want %q", got, tt.wantType)
			}
			if got := rec.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q; want no-store", got)
			}
			if tt.wantCode == 405 && rec.Header().Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow = %q; want \"GET, HEAD\"", rec.Header().Get("Allow"))
			}
		})
	}
}

func TestLivenessNeverTouchesEngine(t *testing.T) {
	f := newFake(health.StatusFail)
	h := mustHandler(t, f)
	for _, p := range []string{"/health/live", "/livez", "/healthz"} {
		do(h, "GET", p)
		do(h, "HEAD", p)
	}
	if n := f.calls.Load(); n != 0 {
		t.Errorf("liveness made %d engine calls; want 0", n)
	}
}

func TestHEADHasStatusAndNoBody(t *testing.T) {
	for _, s := range []health.Status{health.StatusPass, health.StatusFail} {
		rec := do(mustHandler(t, newFake(s)), "HEAD", "/health/ready")
		want := map[health.Status]int{health.StatusPass: 200, health.StatusFail: 503}[s]
		if rec.Code != want || rec.Body.Len() != 0 {
			t.Errorf("HEAD with %s = %d, body %q; want %d, empty", s, rec.Code, rec.Body, want)
		}
	}
}

func TestDetailsPolicy(t *testing.T) {
	const token = "s3cr3t-token"
	tests := []struct {
		name    string
		details Details
		auth    string
		iam     bool
		want    bool
	}{
		{"authorized, no token", DetailsAuthorized, "", false, false},
		{"authorized, right token", DetailsAuthorized, "Bearer " + token, false, true},
		{"authorized, lowercase scheme", DetailsAuthorized, "bearer " + token, false, true},
		{"authorized, wrong token", DetailsAuthorized, "Bearer nope", false, false},
		{"authorized, token prefix", DetailsAuthorized, "Bearer " + token[:5], false, false},
		{"authorized, basic scheme", DetailsAuthorized, "Basic " + token, false, false},
		{"authorized, IAM caller", DetailsAuthorized, "", true, true},
		{"never, right token", DetailsNever, "Bearer " + token, true, false},
		{"always, no token", DetailsAlways, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The IAM caller is whatever the adapter verified; here a
			// context value stands in for it.
			type iamKey struct{}
			caller := func(ctx context.Context) (string, bool) {
				p, ok := ctx.Value(iamKey{}).(string)
				return p, ok
			}
			h := mustHandler(t, newFake(health.StatusFail), WithDetails(tt.details), WithToken(token), WithIAMCaller(caller))
			req := httptest.NewRequest("GET", "/health", nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			if tt.iam {
				req = req.WithContext(context.WithValue(req.Context(), iamKey{}, "arn:aws:iam::123456789012:user/op"))
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var body Response
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			got := body.Checks != nil && body.Output != ""
			if got != tt.want {
				t.Errorf("details shown = %v; want %v (%s)", got, tt.want, rec.Body)
			}
			if body.Status != health.StatusFail || rec.Code != 503 {
				t.Errorf("status = %q/%d; want fail/503 either way", body.Status, rec.Code)
			}
			if strings.Contains(rec.Body.String(), token) {
				t.Errorf("body leaks the token")
			}
		})
	}
}

func TestNoTokenConfiguredNeverMatches(t *testing.T) {
	h := mustHandler(t, newFake(health.StatusPass))
	rec := do(h, "GET", "/health", "Authorization", "Bearer ")
	if strings.Contains(rec.Body.String(), "checks") {
		t.Errorf("empty bearer token unlocked details: %s", rec.Body)
	}
}

func TestResponseShape(t *testing.T) {
	h := mustHandler(t, newFake(health.StatusPass), WithDetails(DetailsAlways),
		WithService(Service{ID: "orders", Environment: "prod", Version: "v2.4.1"}))
	rec := do(h, "GET", "/health")
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"status": "pass", "version": "2", "releaseId": "v2.4.1", "serviceId": "orders",
		"description": "health of orders (prod)",
		"checks": map[string]any{"db:responseTime": []any{map[string]any{
			"componentId": "db", "componentType": "datastore", "observedValue": 1.5,
			"observedUnit": "ms", "status": "pass", "time": "2026-11-22T10:00:00Z"}}},
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("body = %s; want %s", gotJSON, wantJSON)
	}
}

func TestSingleNonCriticalCheckFailureIs503(t *testing.T) {
	f := newFake(health.StatusPass)
	f.one = func(context.Context, string) (health.Result, error) {
		return health.Result{Name: "cache", Key: "cache:responseTime", Status: health.StatusFail, Optional: true, Time: when}, nil
	}
	if rec := do(mustHandler(t, f), "GET", "/health/checks/cache"); rec.Code != 503 {
		t.Errorf("code = %d; want 503", rec.Code)
	}
}

func TestCallerTimeoutCapsBudget(t *testing.T) {
	checker, err := health.NewChecker(nil, health.WithBudget(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(health.StatusPass)
	// Bracket the engine's clock reading, so the bound is exact however
	// long the scheduler holds this goroutine.
	var before, deadline, after time.Time
	f.all = func(ctx context.Context) health.Report {
		before = time.Now()
		deadline = checker.Deadline(ctx)
		after = time.Now()
		return report(health.StatusPass)
	}
	do(mustHandler(t, f), "GET", "/health?timeout=300ms")
	if deadline.Before(before.Add(300*time.Millisecond)) || deadline.After(after.Add(300*time.Millisecond)) {
		t.Errorf("deadline = %v after the request; want the caller's 300ms", deadline.Sub(before))
	}
	if rec := do(mustHandler(t, f), "GET", "/health/live?timeout=bogus"); rec.Code != 200 {
		t.Errorf("liveness with a bad timeout = %d; want 200 (liveness reads nothing)", rec.Code)
	}
}

func TestRecover(t *testing.T) {
	h := Recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(errors.New("password=hunter2")) }), discard())
	rec := do(h, "GET", "/health")
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "hunter2") {
		t.Errorf("Recover = %d %s; want 500 without the panic value", rec.Code, rec.Body)
	}
}

// TestTokenWithSurroundingWhitespace: a token read with os.ReadFile ends
// in a newline; the header's token is trimmed, so the configured one is too,
// or it would never match. A token of whitespace alone is no token.
func TestTokenWithSurroundingWhitespace(t *testing.T) {
	for _, tt := range []struct {
		configured, header string
		want               bool
	}{
		{"s3cret-token\n", "Bearer s3cret-token", true},
		{" s3cret-token ", "Bearer s3cret-token", true},
		{" \n", "Bearer ", false},
		{" \n", "Bearer  \n", false},
	} {
		h := mustHandler(t, newFake(health.StatusFail), WithToken(tt.configured))
		rec := do(h, "GET", "/health", "Authorization", tt.header)
		if got := strings.Contains(rec.Body.String(), `"checks"`); got != tt.want {
			t.Errorf("WithToken(%q), Authorization %q: details shown = %v; want %v", tt.configured, tt.header, got, tt.want)
		}
	}
}

func mustHandler(t testing.TB, e Engine, opts ...Option) *Handler {
	t.Helper()
	h, err := NewHandler(e, opts...)
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	return h
}
