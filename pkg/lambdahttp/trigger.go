package lambdahttp

import (
	"errors"
	"strings"
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

// detect tells which trigger sent payload, by the event's own shape: ALB
// events have requestContext.elb; payload 2.0 events have version "2.0" and
// requestContext.http, and come from a Function URL when their domain is a
// lambda-url domain; payload 1.0 events have httpMethod.
func detect(payload []byte) (Trigger, error) {
	var ev anyEvent
	if err := decode(payload, &ev); err != nil {
		return "", err
	}
	return ev.trigger()
}

func (e *anyEvent) trigger() (Trigger, error) {
	rc := &e.RequestContext.v
	switch {
	case !e.RequestContext.ok:
		return "", &EventError{Kind: ErrUnsupportedEvent, Detail: "no requestContext"}
	case rc.ELB.ok:
		if e.HTTPMethod == "" {
			return "", &EventError{Kind: ErrMalformedEvent, Detail: "ALB event without httpMethod"}
		}
		return TriggerALB, nil
	case e.Version == "2.0":
		if !rc.HTTP.ok {
			return "", &EventError{Kind: ErrMalformedEvent, Detail: "payload 2.0 event without requestContext.http"}
		}
		if strings.Contains(rc.DomainName, ".lambda-url.") {
			return TriggerFunctionURL, nil
		}
		return TriggerAPIGatewayV2, nil
	case e.HTTPMethod != "":
		return TriggerAPIGatewayV1, nil
	}
	return "", &EventError{Kind: ErrUnsupportedEvent, Detail: "not an API Gateway, ALB or Function URL event"}
}
