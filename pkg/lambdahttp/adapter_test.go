package lambdahttp

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
)

const testToken = "local-test-token"

// response is the union of the three response shapes.
type response struct {
	StatusCode        int                 `json:"statusCode"`
	StatusDescription string              `json:"statusDescription"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              string              `json:"body"`
}

func (r response) header(name string) string {
	for k, v := range r.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	for k, v := range r.MultiValueHeaders {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

func newAdapter(t testing.TB, dbErr error) *Adapter {
	t.Helper()
	checker, err := health.NewChecker([]health.Check{{
		Name: "db", ComponentType: health.ComponentDatastore, Critical: true,
		Probe: func(context.Context) (health.Observation, error) { return health.Observation{}, dbErr },
	}}, health.WithCacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	return New(healthhttp.NewHandler(checker, healthhttp.WithToken(testToken),
		healthhttp.WithService(healthhttp.Service{ID: "orders", Environment: "test", Version: "1.2.3"})))
}

// want is what an events/ file must produce, derived from its name.
type want struct {
	code        int
	contentType string
	details     bool
	emptyBody   bool
}

func expectation(name string, healthy bool) want {
	c := strings.TrimSuffix(name, ".json")
	ready := http.StatusOK
	if !healthy {
		ready = http.StatusServiceUnavailable
	}
	w := want{code: ready, contentType: healthhttp.ContentType}
	switch {
	case strings.HasSuffix(c, "-check-unknown"), strings.HasSuffix(c, "-unknown"):
		w = want{code: http.StatusNotFound, contentType: "application/problem+json"}
	case strings.HasSuffix(c, "-post"):
		w = want{code: http.StatusMethodNotAllowed, contentType: "application/problem+json"}
	case strings.HasSuffix(c, "-live"), strings.HasSuffix(c, "-livez"):
		w.code = http.StatusOK
	case strings.HasSuffix(c, "-head"):
		w.emptyBody = true
	case strings.HasSuffix(c, "-token"), strings.HasSuffix(c, "-iam"):
		w.details = true
	}
	return w
}

func TestEventsFiles(t *testing.T) {
	files, err := filepath.Glob("../../events/health-*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no events/health-*.json files: %v", err)
	}
	for _, healthy := range []bool{true, false} {
		var dbErr error
		if !healthy {
			dbErr = errors.New("refused")
		}
		a := newAdapter(t, dbErr)
		for _, file := range files {
			name := filepath.Base(file)
			t.Run(name+map[bool]string{true: "/healthy", false: "/failing"}[healthy], func(t *testing.T) {
				payload, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				out, err := a.Invoke(context.Background(), payload)
				if err != nil {
					t.Fatalf("Invoke(%s) error: %v", name, err)
				}
				var resp response
				if err := json.Unmarshal(out, &resp); err != nil {
					t.Fatalf("response is not JSON: %v", err)
				}
				w := expectation(name, healthy)
				if resp.StatusCode != w.code {
					t.Errorf("statusCode = %d; want %d (body %s)", resp.StatusCode, w.code, resp.Body)
				}
				if got := resp.header("Content-Type"); got != w.contentType {
					t.Errorf("Content-Type = %q; want %q", got, w.contentType)
				}
				if got := resp.header("Cache-Control"); got != "no-store" {
					t.Errorf("Cache-Control = %q; want no-store", got)
				}
				if w.code == http.StatusMethodNotAllowed && resp.header("Allow") != "GET, HEAD" {
					t.Errorf("Allow = %q; want \"GET, HEAD\"", resp.header("Allow"))
				}
				checkShape(t, name, resp, w)
			})
		}
	}
}

func checkShape(t *testing.T, name string, resp response, w want) {
	t.Helper()
	if strings.HasPrefix(name, "health-alb-") {
		if want := http.StatusText(resp.StatusCode); resp.StatusDescription != strings.TrimSpace(
			strings.Join([]string{itoa(resp.StatusCode), want}, " ")) {
			t.Errorf("statusDescription = %q; want \"%d %s\"", resp.StatusDescription, resp.StatusCode, want)
		}
		multi := strings.Contains(name, "multivalue")
		if multi && (len(resp.MultiValueHeaders) == 0 || resp.Headers != nil) {
			t.Errorf("multi-value target group: headers=%v multiValueHeaders=%v; want only multiValueHeaders", resp.Headers, resp.MultiValueHeaders)
		}
		if !multi && (len(resp.Headers) == 0 || resp.MultiValueHeaders != nil) {
			t.Errorf("single-value target group: headers=%v multiValueHeaders=%v; want only headers", resp.Headers, resp.MultiValueHeaders)
		}
	}
	if w.emptyBody {
		if resp.Body != "" {
			t.Errorf("HEAD body = %q; want empty", resp.Body)
		}
		return
	}
	if w.contentType != healthhttp.ContentType {
		return
	}
	var body healthhttp.Response
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, resp.Body)
	}
	wantStatus := health.StatusPass
	if resp.StatusCode == http.StatusServiceUnavailable {
		wantStatus = health.StatusFail
	}
	if body.Status != wantStatus || body.ServiceID != "orders" || body.ReleaseID != "1.2.3" || body.Version != "1" {
		t.Errorf("body = %+v; want status %q, serviceId orders, releaseId 1.2.3, version 1", body, wantStatus)
	}
	if got := len(body.Checks) > 0; got != w.details {
		t.Errorf("details shown = %v; want %v (body %s)", got, w.details, resp.Body)
	}
	if w.details {
		d := body.Checks["db:responseTime"]
		if len(d) != 1 || d[0].ComponentType != health.ComponentDatastore || d[0].Status != wantStatus {
			t.Errorf("checks[db:responseTime] = %+v; want one datastore entry with status %q", d, wantStatus)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestDetect(t *testing.T) {
	tests := []struct {
		file string
		want Trigger
	}{
		{"health-v1-ready.json", TriggerAPIGatewayV1},
		{"health-v2-ready.json", TriggerAPIGatewayV2},
		{"health-furl-ready.json", TriggerFunctionURL},
		{"health-alb-ready.json", TriggerALB},
		{"health-alb-healthchecker.json", TriggerALB},
		{"health-alb-multivalue-ready.json", TriggerALB},
	}
	for _, tt := range tests {
		payload, err := os.ReadFile("../../events/" + tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Detect(payload); got != tt.want || err != nil {
			t.Errorf("Detect(%s) = %q, %v; want %q", tt.file, got, err, tt.want)
		}
	}
}

func TestBadEvents(t *testing.T) {
	a := newAdapter(t, nil)
	tests := []struct {
		name    string
		payload string
		want    error
	}{
		{"empty", ``, ErrMalformedEvent},
		{"not JSON", `hello`, ErrMalformedEvent},
		{"truncated", `{"version":"2.0","rawPath":"/health`, ErrMalformedEvent},
		{"array", `[1,2]`, ErrMalformedEvent},
		{"null", `null`, ErrUnsupportedEvent},
		{"empty object", `{}`, ErrUnsupportedEvent},
		{"eventbridge", `{"version":"0","id":"x","detail-type":"Scheduled Event","source":"aws.events","detail":{}}`, ErrUnsupportedEvent},
		{"v2 without http", `{"version":"2.0","rawPath":"/health","requestContext":{}}`, ErrMalformedEvent},
		{"alb without method", `{"requestContext":{"elb":{"targetGroupArn":"arn"}},"path":"/health"}`, ErrMalformedEvent},
		{"wrong type", `{"httpMethod":"GET","path":7,"requestContext":{}}`, ErrMalformedEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := a.Invoke(context.Background(), []byte(tt.payload))
			if !errors.Is(err, tt.want) {
				t.Errorf("Invoke(%q) = %s, %v; want %v", tt.payload, out, err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "hello") {
				t.Errorf("error %q quotes the payload", err)
			}
		})
	}
}

func TestUnparsablePathGets400(t *testing.T) {
	a := newAdapter(t, nil)
	payload := `{"httpMethod":"GET","path":"/health/%zz","requestContext":{"elb":{"targetGroupArn":"arn"}},"headers":{}}`
	out, err := a.Invoke(context.Background(), []byte(payload))
	if err != nil {
		t.Fatalf("Invoke error: %v", err)
	}
	var resp response
	_ = json.Unmarshal(out, &resp)
	if resp.StatusCode != http.StatusBadRequest || resp.StatusDescription != "400 Bad Request" || resp.Headers["Content-Type"] != "application/problem+json" {
		t.Errorf("response = %+v; want a 400 ALB response with a problem body", resp)
	}
}

func TestPanicBecomes500(t *testing.T) {
	a := New(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	payload, _ := os.ReadFile("../../events/health-v2-ready.json")
	out, err := a.Invoke(context.Background(), payload)
	if err != nil {
		t.Fatalf("Invoke error: %v", err)
	}
	var resp response
	_ = json.Unmarshal(out, &resp)
	if resp.StatusCode != http.StatusInternalServerError || strings.Contains(resp.Body, "boom") {
		t.Errorf("response = %+v; want 500 without the panic value", resp)
	}
}

func TestIAMCallerFromHeaderIsNotTrusted(t *testing.T) {
	a := newAdapter(t, nil)
	payload, _ := os.ReadFile("../../events/health-v2-health.json")
	var ev map[string]any
	_ = json.Unmarshal(payload, &ev)
	ev["headers"].(map[string]any)["x-golambdaproxy-apigw-context"] = `{"authorizer":{"iam":{"userArn":"arn:aws:iam::1:user/x"}}}`
	payload, _ = json.Marshal(ev)
	out, _ := a.Invoke(context.Background(), payload)
	var resp response
	_ = json.Unmarshal(out, &resp)
	if strings.Contains(resp.Body, `"checks"`) {
		t.Errorf("a forged header unlocked details: %s", resp.Body)
	}
}
