package lambdahttp_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lambdahealth/lambdahealth/pkg/lambdahttp"
)

func ExampleNew() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "order %s via %s", r.PathValue("id"), lambdahttp.TriggerOf(r.Context()))
	})
	adapter := lambdahttp.New(mux, lambdahttp.WithStageStripping(true))
	// In main: lambda.Start(adapter). Here, one HTTP API event on stage "prod":
	resp := adapter.ServeAPIGatewayV2(context.Background(), events.APIGatewayV2HTTPRequest{
		Version: "2.0", RawPath: "/prod/orders/42",
		RequestContext: events.APIGatewayV2HTTPRequestContext{Stage: "prod",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET"}},
	})
	fmt.Println(resp.StatusCode, resp.Body)
	// Output: 200 order 42 via apigateway-v2
}

func ExampleAdapter_ServeALB() {
	adapter := lambdahttp.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, r.URL.Path)
	}))
	resp := adapter.ServeALB(context.Background(), events.ALBTargetGroupRequest{
		HTTPMethod: "GET", Path: "/health/live",
		Headers: map[string]string{"host": "lb.example/health/checks/flap?"}, // never changes the route
	})
	fmt.Println(resp.StatusCode, resp.StatusDescription, resp.Body)
	// Output: 200 200 OK /health/live
}
