// Package lambdahttp serves any http.Handler to every Lambda HTTP trigger
// from one function: API Gateway REST APIs (payload 1.0), HTTP APIs
// (payload 2.0), ALB target groups and Function URLs. It knows nothing of
// what the handler serves.
//
//	lambda.Start(lambdahttp.New(mux))
//
// Each event is decoded once (with encoding/json/v2's decoder), into the
// union of the three event shapes; its trigger is told by the event's own
// shape and the typed events.* value is assembled from it. Requests are
// converted with github.com/awslabs/aws-lambda-go-api-proxy, after the
// checks that keep that library from misreading or printing them: the
// route always comes from the event's path, never from a Host header or
// domain name (api-proxy builds "https://" + host + path), and a request it
// could not convert (a path with control bytes, bad escapes, '?' or '#', a
// method that is no HTTP token, a body that is not base64) is answered 400
// in the trigger's shape before api-proxy sees it, so nothing but the
// adapter's own log lines, which quote nothing of the request, is written.
//
// What the handler can ask of the invocation comes through context keys
// this package owns: IAMCaller (from the event's request context, never a
// header) and TriggerOf; the request ID is the Lambda context's
// (reqlog.RequestID). Stage stripping for HTTP APIs is
// an option (WithStageStripping). A panic in the handler is answered 500;
// the log line has its type and place (its value only when the runtime
// made it), never the response. ALB
// answers get a "200 OK"-style statusDescription and headers in the target
// group's mode; REST API answers carry headers beside multiValueHeaders.
//
// ServeAPIGatewayV1, ServeAPIGatewayV2, ServeALB and ServeFunctionURL take
// and return events.* values, for tests that drive an app as Lambda would.
package lambdahttp
