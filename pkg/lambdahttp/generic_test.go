package lambdahttp

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/pkg/reqlog"
)

// echo answers with what the handler saw of the request and its context.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	caller, _ := IAMCaller(r.Context())
	w.Header().Set("X-Path", r.URL.Path)
	w.Header().Set("X-Request-ID", reqlog.RequestID(r.Context()))
	w.Header().Set("X-Caller", caller)
	w.Header().Set("X-Trigger", string(TriggerOf(r.Context())))
	w.WriteHeader(http.StatusTeapot)
})

func v2Event(path, stage string) events.APIGatewayV2HTTPRequest {
	return events.APIGatewayV2HTTPRequest{
		Version: "2.0", RawPath: path,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			Stage: stage, DomainName: "abc.execute-api.us-east-1.amazonaws.com",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path},
		},
	}
}

// TestStageStrippingIsAnOption: an app's own routes keep the stage unless
// the adapter is told to strip it, as plain api-proxy does.
func TestStageStrippingIsAnOption(t *testing.T) {
	ev := v2Event("/prod/orders", "prod")
	for _, tt := range []struct {
		opts []Option
		want string
	}{
		{nil, "/prod/orders"},
		{[]Option{WithStageStripping(false)}, "/prod/orders"},
		{[]Option{WithStageStripping(true)}, "/orders"},
	} {
		resp := New(echo, tt.opts...).ServeAPIGatewayV2(context.Background(), ev)
		if got := resp.Headers["X-Path"]; got != tt.want {
			t.Errorf("with %d options: path %q; want %q", len(tt.opts), got, tt.want)
		}
	}
	if got := New(echo, WithStageStripping(true)).ServeAPIGatewayV2(context.Background(), v2Event("/prod/x", "$default")).Headers["X-Path"]; got != "/prod/x" {
		t.Errorf("$default stage: path %q; want /prod/x", got)
	}
}

// TestContextKeys: the request ID, the IAM caller and the trigger reach the
// handler through this package's keys, from every typed entry point.
func TestContextKeys(t *testing.T) {
	a := New(echo)
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-42"})
	const arn = "arn:aws:iam::123456789012:role/ops"
	v2 := v2Event("/x", "$default")
	v2.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{IAM: &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{UserARN: arn}}
	v1 := events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/x"}
	v1.RequestContext.Identity.UserArn = arn
	furl := events.LambdaFunctionURLRequest{Version: "2.0", RawPath: "/x", RequestContext: events.LambdaFunctionURLRequestContext{
		DomainName: "abc.lambda-url.us-east-1.on.aws", HTTP: events.LambdaFunctionURLRequestContextHTTPDescription{Method: "GET"},
		Authorizer: &events.LambdaFunctionURLRequestContextAuthorizerDescription{IAM: &events.LambdaFunctionURLRequestContextAuthorizerIAMDescription{UserARN: arn}}}}
	alb := events.ALBTargetGroupRequest{HTTPMethod: "GET", Path: "/x", Headers: map[string]string{"x-amzn-iam-caller": arn}}
	for _, tt := range []struct {
		trigger Trigger
		code    int
		headers map[string]string
		caller  string
	}{
		{TriggerAPIGatewayV2, a.ServeAPIGatewayV2(ctx, v2).StatusCode, a.ServeAPIGatewayV2(ctx, v2).Headers, arn},
		{TriggerAPIGatewayV1, a.ServeAPIGatewayV1(ctx, v1).StatusCode, a.ServeAPIGatewayV1(ctx, v1).Headers, arn},
		{TriggerFunctionURL, a.ServeFunctionURL(ctx, furl).StatusCode, a.ServeFunctionURL(ctx, furl).Headers, arn},
		{TriggerALB, a.ServeALB(ctx, alb).StatusCode, a.ServeALB(ctx, alb).Headers, ""}, // a header is never an IAM caller
	} {
		h := tt.headers
		if tt.code != http.StatusTeapot || h["X-Path"] != "/x" || h["X-Request-Id"] != "req-42" || h["X-Caller"] != tt.caller || h["X-Trigger"] != string(tt.trigger) {
			t.Errorf("%s: %d %v; want 418 with path /x, request ID req-42, caller %q, trigger %s", tt.trigger, tt.code, h, tt.caller, tt.trigger)
		}
	}
	if id, caller := reqlog.RequestID(context.Background()), TriggerOf(context.Background()); id != "" || caller != "" {
		t.Errorf("outside an invocation: %q %q; want empty", id, caller)
	}
}

// TestPanicTypeAndPlaceInLogNotResponse: the log line of a recovered
// panic carries its type and place, not its value (which may carry request
// data: issue 19 saw a test secret reach the log), as healthhttp.Recover's
// does; the response carries none of it.
func TestPanicTypeAndPlaceInLogNotResponse(t *testing.T) {
	var logs checktest.LockedBuffer
	a := New(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Half", "written")
		_, _ = w.Write([]byte("partial "))
		panic("boom: order 7 missing")
	}), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	resp := a.ServeAPIGatewayV2(context.Background(), v2Event("/x", ""))
	if resp.StatusCode != http.StatusInternalServerError || strings.Contains(resp.Body, "boom") || strings.Contains(resp.Body, "partial") || resp.Headers["X-Half"] != "" {
		t.Errorf("response = %+v; want a clean 500 without the panic", resp)
	}
	line := logs.String()
	if strings.Contains(line, "order 7") || !strings.Contains(line, `"panic":"string at `) || !strings.Contains(line, "generic_test.go:") {
		t.Errorf("log = %s; want the panic's type and place, not its value", line)
	}
	assertJSONLines(t, line, "\x00")
}

// TestConcurrentInvokes: the decode buffers are reused between invocations;
// concurrent ones (a test's, or an app's own fan-out) never see each other's.
func TestConcurrentInvokes(t *testing.T) {
	a := New(echo)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				path := fmt.Sprintf("/g%d/i%d", g, i)
				payload := mustJSON(t, v2Event(path, "$default"))
				out, err := a.Invoke(context.Background(), payload)
				if err != nil || !strings.Contains(string(out), `"X-Path":"`+path+`"`) {
					t.Errorf("Invoke(%s) = %s, %v", path, out, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestNilLoggerDiscards: WithLogger(nil) means discard; a malformed event
// is rejected with an error, not a panic (issue 19, bug 2).
func TestNilLoggerDiscards(t *testing.T) {
	a := New(http.NotFoundHandler(), WithLogger(nil))
	if _, err := a.Invoke(context.Background(), []byte(`{"not":"an event"}`)); err == nil {
		t.Error("Invoke of a malformed event = nil error; want the event rejected")
	}
	resp := a.ServeAPIGatewayV2(context.Background(), v2Event("/x", ""))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status = %d; want 404", resp.StatusCode)
	}
}
