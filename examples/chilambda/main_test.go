package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/lambdahttp"
)

func httpAPIEvent(method, path string) events.APIGatewayV2HTTPRequest {
	return events.APIGatewayV2HTTPRequest{
		Version: "2.0", RawPath: path, Headers: map[string]string{"accept": "application/json"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			Stage: "$default", DomainName: "abc123.execute-api.us-east-1.amazonaws.com",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path},
		},
	}
}

// TestOwnRouteAndHealthFromOneEventEach: one v2 event reaches the app's own
// route, one reaches /v1/health/ready through chi's Mount (issue 12: chi's
// Route("/v1").Mount("/health", h) answered 404).
func TestOwnRouteAndHealthFromOneEventEach(t *testing.T) {
	checker, err := health.NewChecker(nil)
	if err != nil {
		t.Fatal(err)
	}
	router, err := newRouter(checker)
	if err != nil {
		t.Fatal(err)
	}
	a := lambdahttp.New(router)
	tests := []struct {
		path     string
		wantCode int
		wantBody string
	}{
		{"/v1/orders/42", 200, `{"id":"42"}`},
		{`/v1/orders/4"2`, 200, `{"id":"4\"2"}`}, // the caller's text is encoded, not pasted into the JSON
		{"/v1/health/ready", 200, `"status":"pass"`},
		{"/v1/health/live", 200, `"status":"pass"`},
		{"/v1/health", 200, `"status":"pass"`},
		{"/v1/health/nope", 404, "no such route"},
		// The aliases sit beside the base path under chi too.
		{"/v1/livez", 200, `"status":"pass"`},
		{"/v1/healthz", 200, `"status":"pass"`},
		{"/v1/readyz", 200, `"status":"pass"`},
	}
	for _, tt := range tests {
		resp := a.ServeAPIGatewayV2(context.Background(), httpAPIEvent("GET", tt.path))
		if resp.StatusCode != tt.wantCode || !strings.Contains(resp.Body, tt.wantBody) {
			t.Errorf("GET %s = %d %s; want %d with %s", tt.path, resp.StatusCode, resp.Body, tt.wantCode, tt.wantBody)
		}
	}
}
