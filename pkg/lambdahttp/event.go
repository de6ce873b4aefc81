package lambdahttp

import (
	"github.com/aws/aws-lambda-go/events"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/lambdahealth/lambdahealth/pkg/jsonerr"
)

// anyEvent is the union of the members of the three HTTP event types
// (events.APIGatewayProxyRequest, events.APIGatewayV2HTTPRequest and
// events.ALBTargetGroupRequest, a Function URL's being the second), so that
// an event is decoded once, before its trigger is known; its typed event is
// then assembled from the decoded fields. TestAnyEventCoversEveryField
// holds it to every member of the three types.
type anyEvent struct {
	Version                         string              `json:"version"`
	RouteKey                        string              `json:"routeKey"`
	RawPath                         string              `json:"rawPath"`
	RawQueryString                  string              `json:"rawQueryString"`
	Cookies                         []string            `json:"cookies"`
	Resource                        string              `json:"resource"`
	Path                            string              `json:"path"`
	HTTPMethod                      string              `json:"httpMethod"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	RequestContext                  present[anyContext] `json:"requestContext"`
	Body                            string              `json:"body"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
}

// anyContext is the union of the three request contexts. The authorizer is
// kept as raw JSON: it is an object of any shape in payload 1.0 and a typed
// description in 2.0.
type anyContext struct {
	ELB               present[events.ELBContext]                                    `json:"elb"`
	HTTP              present[events.APIGatewayV2HTTPRequestContextHTTPDescription] `json:"http"`
	Authorizer        jsontext.Value                                                `json:"authorizer"`
	AccountID         string                                                        `json:"accountId"`
	ResourceID        string                                                        `json:"resourceId"`
	OperationName     string                                                        `json:"operationName"`
	Stage             string                                                        `json:"stage"`
	DomainName        string                                                        `json:"domainName"`
	DomainPrefix      string                                                        `json:"domainPrefix"`
	RequestID         string                                                        `json:"requestId"`
	ExtendedRequestID string                                                        `json:"extendedRequestId"`
	Protocol          string                                                        `json:"protocol"`
	Identity          events.APIGatewayRequestIdentity                              `json:"identity"`
	ResourcePath      string                                                        `json:"resourcePath"`
	Path              string                                                        `json:"path"`
	HTTPMethod        string                                                        `json:"httpMethod"`
	RequestTime       string                                                        `json:"requestTime"`
	RequestTimeEpoch  int64                                                         `json:"requestTimeEpoch"`
	APIID             string                                                        `json:"apiId"`
	RouteKey          string                                                        `json:"routeKey"`
	Time              string                                                        `json:"time"`
	TimeEpoch         int64                                                         `json:"timeEpoch"`
	Authentication    events.APIGatewayV2HTTPRequestContextAuthentication           `json:"authentication"`
}

// present is a member that may be missing or null, decoded in place (a
// pointer would cost an allocation per event).
type present[T any] struct {
	ok bool
	v  T
}

// UnmarshalJSONFrom decodes the member; null leaves it missing.
func (p *present[T]) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() == 'n' {
		_, err := dec.ReadToken()
		return err
	}
	p.ok = true
	return jsonv2.UnmarshalDecode(dec, &p.v)
}

// decodeOptions are the event decoder's: encoding/json/v2's semantics
// (names match exactly, invalid UTF-8 makes the event malformed), with
// duplicate names allowed as encoding/json allows them, the last one
// winning. Checking for duplicates costs a third of the decoder's
// allocations, and AWS never sends them.
var decodeOptions = jsontext.AllowDuplicateNames(true)

// decode decodes JSON into v, describing a failure without quoting it.
func decode[T ~[]byte](payload T, v any) error {
	if err := jsonv2.Unmarshal([]byte(payload), v, decodeOptions); err != nil {
		return &jsonerr.EventError{Kind: jsonerr.ErrMalformedEvent, Detail: jsonerr.Describe(err)}
	}
	return nil
}

func (e *anyEvent) alb() events.ALBTargetGroupRequest {
	return events.ALBTargetGroupRequest{
		HTTPMethod:                      e.HTTPMethod,
		Path:                            e.Path,
		QueryStringParameters:           e.QueryStringParameters,
		MultiValueQueryStringParameters: e.MultiValueQueryStringParameters,
		Headers:                         e.Headers,
		MultiValueHeaders:               e.MultiValueHeaders,
		RequestContext:                  events.ALBTargetGroupRequestContext{ELB: e.RequestContext.v.ELB.v},
		IsBase64Encoded:                 e.IsBase64Encoded,
		Body:                            e.Body,
	}
}

func (e *anyEvent) v1() (events.APIGatewayProxyRequest, error) {
	rc := &e.RequestContext.v
	ev := events.APIGatewayProxyRequest{
		Resource:                        e.Resource,
		Path:                            e.Path,
		HTTPMethod:                      e.HTTPMethod,
		Headers:                         e.Headers,
		MultiValueHeaders:               e.MultiValueHeaders,
		QueryStringParameters:           e.QueryStringParameters,
		MultiValueQueryStringParameters: e.MultiValueQueryStringParameters,
		PathParameters:                  e.PathParameters,
		StageVariables:                  e.StageVariables,
		RequestContext: events.APIGatewayProxyRequestContext{
			AccountID:         rc.AccountID,
			ResourceID:        rc.ResourceID,
			OperationName:     rc.OperationName,
			Stage:             rc.Stage,
			DomainName:        rc.DomainName,
			DomainPrefix:      rc.DomainPrefix,
			RequestID:         rc.RequestID,
			ExtendedRequestID: rc.ExtendedRequestID,
			Protocol:          rc.Protocol,
			Identity:          rc.Identity,
			ResourcePath:      rc.ResourcePath,
			Path:              rc.Path,
			HTTPMethod:        rc.HTTPMethod,
			RequestTime:       rc.RequestTime,
			RequestTimeEpoch:  rc.RequestTimeEpoch,
			APIID:             rc.APIID,
		},
		Body:            e.Body,
		IsBase64Encoded: e.IsBase64Encoded,
	}
	return ev, rc.authorizer(&ev.RequestContext.Authorizer)
}

func (e *anyEvent) v2() (events.APIGatewayV2HTTPRequest, error) {
	rc := &e.RequestContext.v
	ev := events.APIGatewayV2HTTPRequest{
		Version:               e.Version,
		RouteKey:              e.RouteKey,
		RawPath:               e.RawPath,
		RawQueryString:        e.RawQueryString,
		Cookies:               e.Cookies,
		Headers:               e.Headers,
		QueryStringParameters: e.QueryStringParameters,
		PathParameters:        e.PathParameters,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:       rc.RouteKey,
			AccountID:      rc.AccountID,
			Stage:          rc.Stage,
			RequestID:      rc.RequestID,
			APIID:          rc.APIID,
			DomainName:     rc.DomainName,
			DomainPrefix:   rc.DomainPrefix,
			Time:           rc.Time,
			TimeEpoch:      rc.TimeEpoch,
			HTTP:           rc.HTTP.v,
			Authentication: rc.Authentication,
		},
		StageVariables:  e.StageVariables,
		Body:            e.Body,
		IsBase64Encoded: e.IsBase64Encoded,
	}
	return ev, rc.authorizer(&ev.RequestContext.Authorizer)
}

// authorizer decodes the raw authorizer into dst, the type of the trigger's.
func (rc *anyContext) authorizer(dst any) error {
	if len(rc.Authorizer) == 0 {
		return nil
	}
	return decode(rc.Authorizer, dst)
}
