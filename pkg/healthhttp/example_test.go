package healthhttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
)

func ExampleNewHandler() {
	checker, _ := health.NewChecker([]health.Check{{Name: "db", Probe: health.Ping(func(context.Context) error { return nil })}})
	h, err := healthhttp.NewHandler(checker,
		healthhttp.WithService(healthhttp.Service{ID: "orders", Version: "1.4.2"}),
		healthhttp.WithDetails(healthhttp.DetailsNever))
	if err != nil {
		fmt.Println(err)
		return
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	fmt.Print(rec.Code, " ", rec.Body)
	// Output: 200 {"status":"pass","version":"1","releaseId":"1.4.2","serviceId":"orders","description":"health of orders"}
}

func ExampleHandler_Mount() {
	checker, _ := health.NewChecker(nil)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, _ *http.Request) {})
	h, _ := healthhttp.NewHandler(checker, healthhttp.WithDetails(healthhttp.DetailsAlways))
	h.Mount(mux) // every route and alias, in one call
	fmt.Println(h.Paths())
	// Output: [/health /health/ /livez /healthz /readyz]
}

func ExampleWithBasePath() {
	checker, _ := health.NewChecker(nil)
	// Under a router that passes the full path, such as chi's
	// r.Route("/v1", ...) with r.Mount("/health", h):
	h, _ := healthhttp.NewHandler(checker, healthhttp.WithBasePath("/v1/health"), healthhttp.WithDetails(healthhttp.DetailsAlways))
	for _, path := range []string{"/v1/health/ready", "/v1/readyz", "/health/ready"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		fmt.Println(path, rec.Code)
	}
	// Output:
	// /v1/health/ready 200
	// /v1/readyz 200
	// /health/ready 404
}
