package lambdahttp

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/eventcases"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
	"github.com/lambdahealth/lambdahealth/pkg/jsonerr"
	"github.com/lambdahealth/lambdahealth/pkg/reqlog"
)

func newAdapter(t testing.TB, dbErr error) *Adapter {
	t.Helper()
	checker, err := health.NewChecker([]health.Check{{
		Name: "db", ComponentType: health.ComponentDatastore,
		Probe: func(context.Context) (health.Observation, error) { return health.Observation{}, dbErr },
	}}, health.WithCacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	return New(checktest.Handler(t, checker, healthhttp.WithToken(eventcases.Token), healthhttp.WithIAMCaller(IAMCaller),
		healthhttp.WithService(healthhttp.Service{ID: "orders", Environment: "test", Version: "1.2.3"})),
		WithStageStripping(true))
}

func TestEventsFiles(t *testing.T) {
	files, err := eventcases.Files("../..")
	if err != nil || len(files) == 0 {
		t.Fatalf("no events/health-*.json files: %v", err)
	}
	id := eventcases.Identity{ServiceID: "orders", ReleaseID: "1.2.3", Version: "1",
		Check: "db:responseTime", ComponentType: health.ComponentDatastore}
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
				eventcases.Verify(t, name, out, eventcases.Expect(name, healthy), id)
			})
		}
	}
}

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
		if got, err := detect(payload); got != tt.want || err != nil {
			t.Errorf("detect(%s) = %q, %v; want %q", tt.file, got, err, tt.want)
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
		{"empty", ``, jsonerr.ErrMalformedEvent},
		{"not JSON", `hello`, jsonerr.ErrMalformedEvent},
		{"truncated", `{"version":"2.0","rawPath":"/health`, jsonerr.ErrMalformedEvent},
		{"array", `[1,2]`, jsonerr.ErrMalformedEvent},
		{"null", `null`, jsonerr.ErrUnsupportedEvent},
		{"empty object", `{}`, jsonerr.ErrUnsupportedEvent},
		{"eventbridge", `{"version":"0","id":"x","detail-type":"Scheduled Event","source":"aws.events","detail":{}}`, jsonerr.ErrUnsupportedEvent},
		{"v2 without http", `{"version":"2.0","rawPath":"/health","requestContext":{}}`, jsonerr.ErrMalformedEvent},
		{"alb without method", `{"requestContext":{"elb":{"targetGroupArn":"arn"}},"path":"/health"}`, jsonerr.ErrMalformedEvent},
		{"wrong type", `{"httpMethod":"GET","path":7,"requestContext":{}}`, jsonerr.ErrMalformedEvent},
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
	var resp eventcases.Response
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
	var resp eventcases.Response
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
	var resp eventcases.Response
	_ = json.Unmarshal(out, &resp)
	if strings.Contains(resp.Body, `"checks"`) {
		t.Errorf("a forged header unlocked details: %s", resp.Body)
	}
}

func TestEventErrorType(t *testing.T) {
	_, err := newAdapter(t, nil).Invoke(context.Background(), []byte(`{"version":"2.0"`))
	var ee *jsonerr.EventError
	if !errors.As(err, &ee) || ee.Kind != jsonerr.ErrMalformedEvent || err.Error() != "malformed event: truncated JSON" {
		t.Errorf("Invoke(truncated) error = %#v; want *jsonerr.EventError malformed event: truncated JSON", err)
	}
}

// TestHugeHeadersAndQuery sends events with a 1 MiB header and a 1 MiB
// query string through every trigger: a normal answer, never a panic.
func TestHugeHeadersAndQuery(t *testing.T) {
	a := newAdapter(t, nil)
	huge := strings.Repeat("x", 1<<20)
	for _, file := range []string{"health-v1-ready.json", "health-v2-ready.json", "health-alb-ready.json", "health-furl-ready.json", "health-alb-multivalue-ready.json"} {
		t.Run(file, func(t *testing.T) {
			payload, err := os.ReadFile("../../events/" + file)
			if err != nil {
				t.Fatal(err)
			}
			var ev map[string]any
			if err := json.Unmarshal(payload, &ev); err != nil {
				t.Fatal(err)
			}
			if h, ok := ev["headers"].(map[string]any); ok {
				h["x-huge"] = huge
			}
			if h, ok := ev["multiValueHeaders"].(map[string]any); ok {
				h["x-huge"] = []string{huge}
			}
			if _, ok := ev["rawQueryString"]; ok {
				ev["rawQueryString"] = "q=" + huge
			} else if _, ok := ev["multiValueQueryStringParameters"]; ok {
				ev["multiValueQueryStringParameters"] = map[string][]string{"q": {huge}}
			} else {
				ev["queryStringParameters"] = map[string]string{"q": huge}
			}
			payload, _ = json.Marshal(ev)
			out, err := a.Invoke(context.Background(), payload)
			if err != nil {
				t.Fatalf("Invoke error: %v", err)
			}
			var resp eventcases.Response
			if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("response = %d (%v); want 200", resp.StatusCode, err)
			}
			if strings.Contains(string(out), huge[:1000]) {
				t.Errorf("the response echoes the huge input")
			}
		})
	}
}

// TestLogLinesCarryRequestID: the request line and the engine's per-check
// line of one invocation carry its AWS request ID.
func TestLogLinesCarryRequestID(t *testing.T) {
	var logs checktest.LockedBuffer
	logger := slog.New(reqlog.Handler(slog.NewJSONHandler(&logs, nil)))
	checker, err := health.NewChecker([]health.Check{{Name: "db",
		Probe: func(context.Context) (health.Observation, error) { return health.Observation{}, nil }}},
		health.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	a := New(checktest.Handler(t, checker, healthhttp.WithLogger(logger), healthhttp.WithPassLogInterval(0)), WithLogger(logger))
	payload, _ := os.ReadFile("../../events/health-v2-ready.json")
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-7d1c"})
	if _, err := a.Invoke(ctx, payload); err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{`"msg":"check"`, `"msg":"request"`} {
		found := false
		for _, line := range strings.Split(logs.String(), "\n") {
			if strings.Contains(line, msg) && strings.Contains(line, `"request_id":"req-7d1c"`) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s line with the request ID in:\n%s", msg, logs.String())
		}
	}
}

// TestErrorHeadersAreTheCallers: the headers of the adapter's own 400s
// belong to the response. A caller (a test, a middleware) that adds one
// must not change the next answer, nor race with concurrent invocations.
func TestErrorHeadersAreTheCallers(t *testing.T) {
	a := New(http.NotFoundHandler())
	bad := events.APIGatewayV2HTTPRequest{Version: "2.0", RawPath: "/\x00",
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET"}}}
	first := a.ServeAPIGatewayV2(context.Background(), bad)
	if first.StatusCode != http.StatusBadRequest {
		t.Fatalf("status = %d; want 400", first.StatusCode)
	}
	first.Headers["X-Added"] = "by the caller"
	v1 := a.ServeAPIGatewayV1(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/\x00"})
	alb := a.ServeALB(context.Background(), events.ALBTargetGroupRequest{HTTPMethod: "GET", Path: "/\x00"})
	for name, h := range map[string]map[string]string{
		"v2": a.ServeAPIGatewayV2(context.Background(), bad).Headers, "v1": v1.Headers, "alb": alb.Headers,
	} {
		if _, ok := h["X-Added"]; ok {
			t.Errorf("%s 400 headers = %v; want the adapter's own, not another response's", name, h)
		}
	}
}
