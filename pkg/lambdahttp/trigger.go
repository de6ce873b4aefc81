package lambdahttp

import (
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
		return "", &jsonerr.EventError{Kind: jsonerr.ErrUnsupportedEvent, Detail: "no requestContext"}
	case rc.ELB.ok:
		if e.HTTPMethod == "" {
			return "", &jsonerr.EventError{Kind: jsonerr.ErrMalformedEvent, Detail: "ALB event without httpMethod"}
		}
		return TriggerALB, nil
	case e.Version == "2.0":
		if !rc.HTTP.ok {
			return "", &jsonerr.EventError{Kind: jsonerr.ErrMalformedEvent, Detail: "payload 2.0 event without requestContext.http"}
		}
		if strings.Contains(rc.DomainName, ".lambda-url.") {
			return TriggerFunctionURL, nil
		}
		return TriggerAPIGatewayV2, nil
	case e.HTTPMethod != "":
		return TriggerAPIGatewayV1, nil
	}
	return "", &jsonerr.EventError{Kind: jsonerr.ErrUnsupportedEvent, Detail: "not an API Gateway, ALB or Function URL event"}
}
