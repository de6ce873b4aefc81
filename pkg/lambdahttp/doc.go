// Package lambdahttp serves a plain http.Handler to every Lambda HTTP
// trigger from one function: API Gateway REST APIs (payload 1.0), HTTP APIs
// (payload 2.0), ALB target groups and Function URLs.
//
// It converts events with github.com/awslabs/aws-lambda-go-api-proxy and
// fixes up what that library gets wrong for these triggers: it tells the
// triggers apart by the event's own shape, answers ALB with a
// "200 OK"-style statusDescription and with headers in the mode the target
// group uses (single or multi-value), strips HTTP API stage prefixes, and
// turns malformed events and handler panics into clear errors instead of
// crashes.
package lambdahttp
