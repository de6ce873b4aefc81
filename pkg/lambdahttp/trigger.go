package lambdahttp

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/lambdahealth/lambdahealth/pkg/jsonerr"
)

// Trigger is the kind of event an invocation carries.
type Trigger string

// The triggers this package serves.
const (
	TriggerAPIGatewayV1 Trigger = "apigateway-v1"
	TriggerAPIGatewayV2 Trigger = "apigateway-v2"
	TriggerFunctionURL  Trigger = "function-url"
	TriggerALB          Trigger = "alb"
)

// Errors returned for events this package cannot serve, wrapped in an
// *EventError.
var (
	ErrMalformedEvent   = errors.New("malformed event")
	ErrUnsupportedEvent = errors.New("unsupported event")
)

// EventError is the error of an invocation whose event cannot be served.
// Lambda reports its type name, "EventError", as the errorType, and its
// text, which never quotes the event, as the errorMessage.
type EventError struct {
	// Kind is ErrMalformedEvent or ErrUnsupportedEvent.
	Kind error
	// Detail says what is wrong, without quoting the event.
	Detail string
}

// Error returns "kind: detail".
func (e *EventError) Error() string { return e.Kind.Error() + ": " + e.Detail }

// Unwrap returns Kind, for errors.Is.
func (e *EventError) Unwrap() error { return e.Kind }

// shape holds just enough of any event to tell the triggers apart.
type shape struct {
	Version        string `json:"version"`
	HTTPMethod     string `json:"httpMethod"`
	RequestContext *struct {
		ELB        json.RawMessage `json:"elb"`
		HTTP       json.RawMessage `json:"http"`
		DomainName string          `json:"domainName"`
	} `json:"requestContext"`
}

// Detect tells which trigger sent payload, by the event's own shape: ALB
// events have requestContext.elb; payload 2.0 events have version "2.0" and
// requestContext.http, and come from a Function URL when their domain is a
// lambda-url domain; payload 1.0 events have httpMethod.
func Detect(payload []byte) (Trigger, error) {
	var s shape
	if err := json.Unmarshal(payload, &s); err != nil {
		return "", &EventError{Kind: ErrMalformedEvent, Detail: jsonerr.Describe(err)}
	}
	rc := s.RequestContext
	switch {
	case rc == nil:
		return "", &EventError{Kind: ErrUnsupportedEvent, Detail: "no requestContext"}
	case len(rc.ELB) > 0 && string(rc.ELB) != "null":
		if s.HTTPMethod == "" {
			return "", &EventError{Kind: ErrMalformedEvent, Detail: "ALB event without httpMethod"}
		}
		return TriggerALB, nil
	case s.Version == "2.0":
		if len(rc.HTTP) == 0 || string(rc.HTTP) == "null" {
			return "", &EventError{Kind: ErrMalformedEvent, Detail: "payload 2.0 event without requestContext.http"}
		}
		if strings.Contains(rc.DomainName, ".lambda-url.") {
			return TriggerFunctionURL, nil
		}
		return TriggerAPIGatewayV2, nil
	case s.HTTPMethod != "":
		return TriggerAPIGatewayV1, nil
	}
	return "", &EventError{Kind: ErrUnsupportedEvent, Detail: "not an API Gateway, ALB or Function URL event"}
}
