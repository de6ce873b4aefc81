package lambdahttp

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	jsonv2 "github.com/go-json-experiment/json"

	"github.com/lambdahealth/lambdahealth/internal/safelog"
)

// Adapter serves an http.Handler to Lambda. It implements lambda.Handler,
// so it receives the raw payload, decodes it once into the event type of
// its trigger, and can answer malformed events itself.
type Adapter struct {
	handler    http.Handler
	logger     *slog.Logger
	stripStage bool
	v1         core.RequestAccessor
	v2         core.RequestAccessorV2
	alb        core.RequestAccessorALB
}

// Option configures an Adapter.
type Option func(*Adapter)

// WithLogger sets the logger for rejected events and requests and for
// recovered panics. nil discards; a panic in its handler loses the line,
// never the answer. Default: discard.
func WithLogger(l *slog.Logger) Option { return func(a *Adapter) { a.logger = safelog.Logger(l) } }

// WithStageStripping removes a named HTTP API (payload 2.0) stage from the
// front of the path ("/prod/health" on stage "prod" becomes "/health"), so
// that an app's routes do not depend on the stage it is deployed to; the
// $default stage has no prefix. Default false: the path is the app's as
// API Gateway sent it, as with plain aws-lambda-go-api-proxy.
func WithStageStripping(on bool) Option { return func(a *Adapter) { a.stripStage = on } }

// New returns an Adapter serving h. A panic in h is recovered and answered
// with a 500 that never carries the panic; the log line says its type and
// place (and its value only when the runtime made it).
func New(h http.Handler, opts ...Option) *Adapter {
	a := &Adapter{handler: h, logger: safelog.Logger(nil)}
	for _, o := range opts {
		o(a)
	}
	return a
}

// eventPool reuses the union events decoded into: the typed event keeps
// only the decoded strings, maps and slices, never the union itself.
var eventPool = sync.Pool{New: func() any { return new(anyEvent) }}

// Invoke answers one invocation. Events of a known trigger always get an
// HTTP response of that trigger's shape; anything else gets an error that
// says what is wrong with the event, without quoting it.
func (a *Adapter) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	ev := eventPool.Get().(*anyEvent)
	defer func() {
		*ev = anyEvent{}
		eventPool.Put(ev)
	}()
	if err := decode(payload, ev); err != nil {
		return nil, a.reject(ctx, err)
	}
	trigger, err := ev.trigger()
	if err != nil {
		return nil, a.reject(ctx, err)
	}
	switch trigger {
	case TriggerALB:
		return encodeALB(a.ServeALB(ctx, ev.alb())), nil
	case TriggerAPIGatewayV2, TriggerFunctionURL:
		v2, err := ev.v2()
		if err != nil {
			return nil, a.reject(ctx, err)
		}
		return encodeV2(a.serveV2(ctx, trigger, v2)), nil
	default:
		v1, err := ev.v1()
		if err != nil {
			return nil, a.reject(ctx, err)
		}
		return encodeV1(a.ServeAPIGatewayV1(ctx, v1)), nil
	}
}

func (a *Adapter) reject(ctx context.Context, err error) error {
	a.logger.WarnContext(ctx, "event rejected", slog.String("error", err.Error()))
	return err
}

// ServeAPIGatewayV1 answers one API Gateway REST API (payload 1.0) event.
// Invoke uses it after decoding; tests can call it with an
// events.APIGatewayProxyRequest of their own.
func (a *Adapter) ServeAPIGatewayV1(ctx context.Context, ev events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
	if !validAuthority(ev.RequestContext.DomainName) {
		ev.RequestContext.DomainName = ""
	}
	if reason := checkRequest(ev.HTTPMethod, ev.Path, "", ev.Body, ev.IsBase64Encoded); reason != "" {
		a.logger.WarnContext(ctx, "request rejected", slog.String("reason", reason))
		return v1Error(http.StatusBadRequest, reason)
	}
	ctx = a.invocation(ctx, TriggerAPIGatewayV1, ev.RequestContext.Identity.UserArn)
	req, err := a.v1.EventToRequestWithContext(ctx, ev)
	if err != nil {
		return v1Error(http.StatusBadRequest, reasonUnconvertible)
	}
	w := core.NewProxyResponseWriter()
	if !a.serveHTTP(w, req) {
		return v1Error(http.StatusInternalServerError, reasonInternal)
	}
	resp, err := w.GetProxyResponse()
	if err != nil {
		return v1Error(http.StatusInternalServerError, reasonInternal)
	}
	if resp.Headers == nil {
		// REST APIs read multiValueHeaders, HTTP APIs on payload 1.0 headers.
		resp.Headers = flatten(resp.MultiValueHeaders)
	}
	return resp
}

// ServeAPIGatewayV2 answers one HTTP API (payload 2.0) event. Invoke uses it
// after decoding; tests can call it with an events.APIGatewayV2HTTPRequest
// of their own.
func (a *Adapter) ServeAPIGatewayV2(ctx context.Context, ev events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	return a.serveV2(ctx, TriggerAPIGatewayV2, ev)
}

// ServeFunctionURL answers one Function URL event, which has the shape of
// payload 2.0. It is for tests: Invoke serves Function URL events as
// payload 2.0 events directly.
func (a *Adapter) ServeFunctionURL(ctx context.Context, ev events.LambdaFunctionURLRequest) events.LambdaFunctionURLResponse {
	var v2 events.APIGatewayV2HTTPRequest
	b, err := jsonv2.Marshal(ev)
	if err == nil {
		err = jsonv2.Unmarshal(b, &v2)
	}
	if err != nil {
		return events.LambdaFunctionURLResponse{StatusCode: http.StatusBadRequest, Headers: problemHeaders(), Body: problemBody(http.StatusBadRequest, reasonUnconvertible)}
	}
	r := a.serveV2(ctx, TriggerFunctionURL, v2)
	return events.LambdaFunctionURLResponse{StatusCode: r.StatusCode, Headers: r.Headers, Body: r.Body, IsBase64Encoded: r.IsBase64Encoded, Cookies: r.Cookies}
}

func (a *Adapter) serveV2(ctx context.Context, trigger Trigger, ev events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	if ev.RawPath == "" {
		ev.RawPath = ev.RequestContext.HTTP.Path
	}
	if a.stripStage {
		ev.RawPath = stripStage(ev.RawPath, ev.RequestContext.Stage)
	}
	if !validAuthority(ev.RequestContext.DomainName) {
		ev.RequestContext.DomainName = ""
	}
	if reason := checkRequest(ev.RequestContext.HTTP.Method, ev.RawPath, ev.RawQueryString, ev.Body, ev.IsBase64Encoded); reason != "" {
		a.logger.WarnContext(ctx, "request rejected", slog.String("reason", reason))
		return v2Error(http.StatusBadRequest, reason)
	}
	var caller string
	if az := ev.RequestContext.Authorizer; az != nil && az.IAM != nil {
		caller = az.IAM.UserARN
	}
	ctx = a.invocation(ctx, trigger, caller)
	req, err := a.v2.EventToRequestWithContext(ctx, ev)
	if err != nil {
		return v2Error(http.StatusBadRequest, reasonUnconvertible)
	}
	w := core.NewProxyResponseWriterV2()
	if !a.serveHTTP(w, req) {
		return v2Error(http.StatusInternalServerError, reasonInternal)
	}
	resp, err := w.GetProxyResponse()
	if err != nil {
		return v2Error(http.StatusInternalServerError, reasonInternal)
	}
	return resp
}

// ServeALB answers one ALB target group event, with what ALB requires: a
// statusDescription such as "200 OK", and headers in the mode of the target
// group, which the request shows: multiValueHeaders when multi-value headers
// are on, headers otherwise (ALB answers 502 when the field it reads is
// missing). Invoke uses it after decoding; tests can call it with an
// events.ALBTargetGroupRequest of their own.
func (a *Adapter) ServeALB(ctx context.Context, ev events.ALBTargetGroupRequest) events.ALBTargetGroupResponse {
	multi := ev.MultiValueHeaders != nil
	if host, ok := ev.Headers["host"]; ok && !validAuthority(host) {
		// api-proxy builds the URL as "https://" + host + path: a host
		// that is not an authority would change the path.
		h := make(map[string]string, len(ev.Headers))
		for k, v := range ev.Headers {
			if k != "host" {
				h[k] = v
			}
		}
		ev.Headers = h
	}
	resp := a.serveALB(ctx, ev)
	resp.StatusDescription = fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	if multi {
		if resp.MultiValueHeaders == nil {
			resp.MultiValueHeaders = make(map[string][]string, len(resp.Headers))
			for k, v := range resp.Headers {
				resp.MultiValueHeaders[k] = []string{v}
			}
		}
		resp.Headers = nil
		return resp
	}
	if resp.Headers == nil {
		resp.Headers = flatten(resp.MultiValueHeaders)
	}
	resp.MultiValueHeaders = nil
	return resp
}

func (a *Adapter) serveALB(ctx context.Context, ev events.ALBTargetGroupRequest) events.ALBTargetGroupResponse {
	if reason := checkRequest(ev.HTTPMethod, ev.Path, "", ev.Body, ev.IsBase64Encoded); reason != "" {
		a.logger.WarnContext(ctx, "request rejected", slog.String("reason", reason))
		return albError(http.StatusBadRequest, reason)
	}
	ctx = a.invocation(ctx, TriggerALB, "")
	req, err := a.alb.EventToRequestWithContext(ctx, ev)
	if err != nil {
		return albError(http.StatusBadRequest, reasonUnconvertible)
	}
	w := core.NewProxyResponseWriterALB()
	if !a.serveHTTP(w, req) {
		return albError(http.StatusInternalServerError, reasonInternal)
	}
	resp, err := w.GetProxyResponse()
	if err != nil {
		return albError(http.StatusInternalServerError, reasonInternal)
	}
	return resp
}

// invocation puts the trigger and the IAM caller into ctx, as one value
// (the AWS request ID is already there, in the Lambda context).
func (a *Adapter) invocation(ctx context.Context, t Trigger, iamCaller string) context.Context {
	return &invocationContext{Context: ctx, inv: invocation{trigger: t, iamCaller: iamCaller}}
}

// serveHTTP runs the handler. It reports false when the handler panicked:
// the panic's type and place go to the log (its value only when the
// runtime made it: any other value may carry request data or a secret),
// never to the response. A handler that writes nothing answers 200, as
// under net/http.
func (a *Adapter) serveHTTP(w http.ResponseWriter, r *http.Request) (ok bool) {
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			a.logger.ErrorContext(r.Context(), "handler panicked", slog.String("panic", safelog.Panic(p)))
			ok = false
		}
	}()
	a.handler.ServeHTTP(sw, r)
	if !sw.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return true
}

// statusWriter notes whether a status was written, and refuses a status
// net/http would refuse, so the converter never sees an unset one.
type statusWriter struct {
	http.ResponseWriter
	wroteHeader bool
}

// WriteHeader panics on a status net/http would refuse, and notes the rest.
func (w *statusWriter) WriteHeader(code int) {
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	w.wroteHeader = true
	w.ResponseWriter.WriteHeader(code)
}

// Write writes the body, after a 200 when no status was written.
func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the converter's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// flatten joins multi-value headers into single values.
func flatten(h map[string][]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = strings.Join(v, ",")
	}
	return out
}

// stripStage removes a named HTTP API stage from the front of path ("/prod/health" on
// stage "prod" becomes "/health"); the $default stage has no prefix.
func stripStage(path, stage string) string {
	if stage == "" || stage == "$default" {
		return path
	}
	rest, ok := strings.CutPrefix(path, "/"+stage)
	if !ok || (rest != "" && rest[0] != '/') {
		return path
	}
	if rest == "" {
		return "/"
	}
	return rest
}
