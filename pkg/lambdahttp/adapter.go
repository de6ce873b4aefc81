package lambdahttp

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
	"github.com/lambdahealth/lambdahealth/pkg/jsonerr"
)

// Adapter serves an http.Handler to Lambda. It implements lambda.Handler,
// so it receives the raw payload and can answer malformed events itself.
type Adapter struct {
	v1     *httpadapter.HandlerAdapter
	v2     *httpadapter.HandlerAdapterV2
	alb    *httpadapter.HandlerAdapterALB
	logger *slog.Logger
}

// Option configures an Adapter.
type Option func(*Adapter)

// WithLogger sets the logger for rejected events. Default: discard.
func WithLogger(l *slog.Logger) Option { return func(a *Adapter) { a.logger = l } }

// New returns an Adapter serving h, with panics in h turned into 500s.
func New(h http.Handler, opts ...Option) *Adapter {
	a := &Adapter{logger: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(a)
	}
	h = healthhttp.Recover(h, a.logger)
	a.v1, a.v2, a.alb = httpadapter.New(h), httpadapter.NewV2(h), httpadapter.NewALB(h)
	return a
}

// Invoke answers one invocation. Events of a known trigger always get an
// HTTP response of that trigger's shape; anything else gets an error that
// says what is wrong with the event, without quoting it.
func (a *Adapter) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	ctx = healthhttp.WithRequestID(ctx, awsRequestID(ctx))
	trigger, err := Detect(payload)
	if err != nil {
		a.logger.WarnContext(ctx, "event rejected", slog.String("error", err.Error()))
		return nil, err
	}
	switch trigger {
	case TriggerALB:
		return serve(ctx, payload, a.alb.ProxyWithContext, fixALB, albError, func(events.ALBTargetGroupRequest) string { return "" })
	case TriggerAPIGatewayV2, TriggerFunctionURL:
		return serve(ctx, stripStage(payload), a.v2.ProxyWithContext, keepV2, v2Error, func(e events.APIGatewayV2HTTPRequest) string {
			if e.RequestContext.Authorizer != nil && e.RequestContext.Authorizer.IAM != nil {
				return e.RequestContext.Authorizer.IAM.UserARN
			}
			return ""
		})
	default:
		return serve(ctx, payload, a.v1.ProxyWithContext, fixV1, v1Error, func(e events.APIGatewayProxyRequest) string {
			return e.RequestContext.Identity.UserArn
		})
	}
}

// serve decodes an event of type E, runs it through proxy, fixes the
// response up and encodes it. A request the proxy cannot convert gets a 400
// of the trigger's own shape.
func serve[E, R any](
	ctx context.Context,
	payload []byte,
	proxy func(context.Context, E) (R, error),
	fix func(E, R) R,
	fail func(E, int, string) R,
	iamCaller func(E) string,
) ([]byte, error) {
	var event E
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, &EventError{Kind: ErrMalformedEvent, Detail: jsonerr.Describe(err)}
	}
	if caller := iamCaller(event); caller != "" {
		ctx = healthhttp.WithIAMCaller(ctx, caller)
	}
	resp, err := proxy(ctx, event)
	if err != nil {
		resp = fail(event, http.StatusBadRequest, "the request path or query could not be parsed")
	}
	return json.Marshal(fix(event, resp))
}

// problemBody is the body of the 400 answered for unconvertible requests.
func problemBody(code int, detail string) string {
	b, _ := json.Marshal(map[string]any{"title": http.StatusText(code), "status": code, "detail": detail})
	return string(b)
}

var problemHeaders = map[string]string{"Content-Type": "application/problem+json", "Cache-Control": "no-store"}

// fixALB gives ALB what it requires: a statusDescription such as "200 OK",
// and headers in the mode of the target group, which the request shows:
// multiValueHeaders when multi-value headers are on, headers otherwise (ALB
// answers 502 when the field it reads is missing).
func fixALB(e events.ALBTargetGroupRequest, r events.ALBTargetGroupResponse) events.ALBTargetGroupResponse {
	r.StatusDescription = fmt.Sprintf("%d %s", r.StatusCode, http.StatusText(r.StatusCode))
	if e.MultiValueHeaders != nil {
		if r.MultiValueHeaders == nil {
			r.MultiValueHeaders = map[string][]string{}
			for k, v := range r.Headers {
				r.MultiValueHeaders[k] = []string{v}
			}
		}
		r.Headers = nil
		return r
	}
	if r.Headers == nil {
		r.Headers = flatten(r.MultiValueHeaders)
	}
	r.MultiValueHeaders = nil
	return r
}

func albError(_ events.ALBTargetGroupRequest, code int, detail string) events.ALBTargetGroupResponse {
	return events.ALBTargetGroupResponse{StatusCode: code, Headers: problemHeaders, Body: problemBody(code, detail)}
}

// fixV1 fills headers beside multiValueHeaders, so that REST APIs and
// HTTP APIs on payload 1.0 both read them.
func fixV1(_ events.APIGatewayProxyRequest, r events.APIGatewayProxyResponse) events.APIGatewayProxyResponse {
	if r.Headers == nil {
		r.Headers = flatten(r.MultiValueHeaders)
	}
	return r
}

func v1Error(_ events.APIGatewayProxyRequest, code int, detail string) events.APIGatewayProxyResponse {
	return events.APIGatewayProxyResponse{StatusCode: code, Headers: problemHeaders, Body: problemBody(code, detail)}
}

func keepV2(_ events.APIGatewayV2HTTPRequest, r events.APIGatewayV2HTTPResponse) events.APIGatewayV2HTTPResponse {
	return r
}

func v2Error(_ events.APIGatewayV2HTTPRequest, code int, detail string) events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{StatusCode: code, Headers: problemHeaders, Body: problemBody(code, detail)}
}

// flatten joins multi-value headers into single values.
func flatten(h map[string][]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = strings.Join(v, ",")
	}
	return out
}

// stripStage removes a named HTTP API stage from rawPath ("/prod/health" on
// stage "prod" becomes "/health"); the $default stage has no prefix.
func stripStage(payload []byte) []byte {
	var e struct {
		RawPath        string `json:"rawPath"`
		RequestContext struct {
			Stage string `json:"stage"`
		} `json:"requestContext"`
	}
	if json.Unmarshal(payload, &e) != nil {
		return payload
	}
	stage := e.RequestContext.Stage
	if stage == "" || stage == "$default" {
		return payload
	}
	prefix := "/" + stage
	rest, ok := strings.CutPrefix(e.RawPath, prefix)
	if !ok || (rest != "" && rest[0] != '/') {
		return payload
	}
	if rest == "" {
		rest = "/"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(payload, &m) != nil {
		return payload
	}
	m["rawPath"], _ = json.Marshal(rest)
	out, err := json.Marshal(m)
	if err != nil {
		return payload
	}
	return out
}

func awsRequestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}
