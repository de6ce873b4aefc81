package gate

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
)

// Event shapes of the synthetic readiness request: the HTTP trigger the
// gated function is written for.
const (
	ShapeV2  = "v2"  // API Gateway HTTP API, payload format 2.0 (the default)
	ShapeV1  = "v1"  // API Gateway REST API, payload format 1.0
	ShapeALB = "alb" // ALB target group
	ShapeURL = "url" // Function URL
)

// Shapes lists the event shapes, the default first.
var Shapes = []string{ShapeV2, ShapeV1, ShapeALB, ShapeURL}

// DefaultPath is the route the gate asks: readiness.
const DefaultPath = healthhttp.RouteReady

// PathProblem says why path cannot be the route the gate asks, or "" when
// it can: a path starting with /, without a query (?) or fragment (#), and
// without spaces or control characters. The function would answer anything
// else with a 400, failing every deployment.
func PathProblem(path string) string {
	switch {
	case !strings.HasPrefix(path, "/"):
		return fmt.Sprintf("%q must start with /", path)
	case strings.ContainsAny(path, "?#"):
		return fmt.Sprintf("%q must be a path only, without a query (?) or fragment (#)", path)
	case strings.ContainsFunc(path, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		return fmt.Sprintf("%q must not hold spaces or control characters", path)
	}
	return ""
}

// UserAgent is the synthetic request's User-Agent, so that the function's
// logs tell the gate's requests apart.
const UserAgent = "lambdahealth-gate/1"

// readinessRequest returns the synthetic GET path event in shape. principal is put
// where an IAM-authorized route puts its caller (API Gateway and Function
// URLs; an ALB has none), because the gate is one: it is allowed to invoke
// the function by IAM. With HEALTH_DETAILS=authorized that unlocks the
// check outputs that the gate logs.
func readinessRequest(shape, path, principal string) ([]byte, error) {
	headers := map[string]string{"accept": "application/health+json", "user-agent": UserAgent}
	switch shape {
	case ShapeV2, ShapeURL:
		domain := "gate.execute-api.localhost"
		if shape == ShapeURL {
			domain = "gate.lambda-url.localhost.on.aws"
		}
		ev := events.APIGatewayV2HTTPRequest{
			Version: "2.0", RouteKey: "$default", RawPath: path, Headers: headers,
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				DomainName: domain, Stage: "$default", RequestID: "gate", RouteKey: "$default",
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
					Method: "GET", Path: path, Protocol: "HTTP/1.1", SourceIP: "127.0.0.1", UserAgent: UserAgent,
				},
				Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
					IAM: &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{UserARN: principal},
				},
			},
		}
		return json.Marshal(ev)
	case ShapeV1:
		ev := events.APIGatewayProxyRequest{
			Resource: "/{proxy+}", Path: path, HTTPMethod: "GET", Headers: headers,
			RequestContext: events.APIGatewayProxyRequestContext{
				Stage: "v1", RequestID: "gate", HTTPMethod: "GET", Path: path,
				Identity: events.APIGatewayRequestIdentity{SourceIP: "127.0.0.1", UserAgent: UserAgent, UserArn: principal},
			},
		}
		return json.Marshal(ev)
	case ShapeALB:
		ev := events.ALBTargetGroupRequest{
			HTTPMethod: "GET", Path: path, Headers: headers,
			RequestContext: events.ALBTargetGroupRequestContext{
				ELB: events.ELBContext{TargetGroupArn: "arn:aws:elasticloadbalancing:local:0:targetgroup/gate/0"},
			},
		}
		return json.Marshal(ev)
	}
	return nil, fmt.Errorf("event shape %q is not one of %s", shape, strings.Join(Shapes, ", "))
}

// healthAnswer is what the gated function answered, read from its response in
// any of the shapes (they share statusCode, body and isBase64Encoded).
type healthAnswer struct {
	StatusCode int
	// Status is the health response's status: pass, warn, fail, or "" when
	// the body is not a health response.
	Status string
	// Failing names every check that did not pass, with its safe output:
	// "orders-db: connection refused". Empty when details are hidden.
	Failing []string
}

// OK reports whether the answer lets the version take traffic: a 200 with
// status pass or warn.
func (a healthAnswer) OK() bool {
	return a.StatusCode == 200 && (a.Status == "pass" || a.Status == "warn")
}

// parseAnswer reads a function's response payload.
func parseAnswer(payload []byte) (healthAnswer, error) {
	var resp struct {
		StatusCode      int    `json:"statusCode"`
		Body            string `json:"body"`
		IsBase64Encoded bool   `json:"isBase64Encoded"`
		ErrorType       string `json:"errorType"`
	}
	err := json.Unmarshal(payload, &resp)
	switch {
	case err == nil && resp.ErrorType != "":
		// An error document (the emulator sends it without Lambda's
		// X-Amz-Function-Error header); its message may hold anything.
		return healthAnswer{}, fmt.Errorf("function error (%s)", resp.ErrorType)
	case err != nil || resp.StatusCode == 0:
		return healthAnswer{}, fmt.Errorf("the response is not an HTTP response of any trigger")
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(resp.Body)
		if err != nil {
			return healthAnswer{}, fmt.Errorf("the response body is not valid base64")
		}
		body = b
	}
	a := healthAnswer{StatusCode: resp.StatusCode}
	var doc struct {
		Status string `json:"status"`
		Checks map[string][]struct {
			ComponentID string `json:"componentId"`
			Status      string `json:"status"`
			Output      string `json:"output"`
		} `json:"checks"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return a, nil
	}
	a.Status = doc.Status
	keys := make([]string, 0, len(doc.Checks))
	for k := range doc.Checks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, c := range doc.Checks[k] {
			if c.Status == "pass" {
				continue
			}
			name := c.ComponentID
			if name == "" {
				name, _, _ = strings.Cut(k, ":")
			}
			entry := name + ": " + c.Output
			if c.Output == "" {
				entry = name + ": " + c.Status
			}
			if !slices.Contains(a.Failing, entry) {
				a.Failing = append(a.Failing, entry)
			}
		}
	}
	return a, nil
}
