// Command chilambda is a chi app on Lambda behind an HTTP API: its own
// routes under /v1 and the health routes under /v1/health, all from one
// function, with the health handler mounted by chi.
package main

import (
	"context"
	"encoding/json"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/go-chi/chi/v5"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
	"github.com/lambdahealth/lambdahealth/pkg/lambdahttp"
)

func main() {
	cacheAddr := os.Getenv("CACHE_ADDR") // e.g. my-cache.xxxxxx.use1.cache.amazonaws.com:6379
	checker, err := health.NewChecker([]health.Check{{
		Name: "cache", ComponentType: health.ComponentDatastore, Optional: true,
		Probe: health.Ping(func(ctx context.Context) error {
			conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", cacheAddr)
			if err == nil {
				err = conn.Close()
			}
			return err
		}),
	}})
	if err != nil {
		log.Fatal(err)
	}
	router, err := newRouter(checker)
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(lambdahttp.New(router, lambdahttp.WithLogger(slog.Default())))
}

// newRouter is the app: its own routes, and health mounted at /v1/health.
func newRouter(checker *health.Checker) (http.Handler, error) {
	r := chi.NewRouter()
	// chi hands a mounted handler the full path: the base path says where.
	h, err := healthhttp.NewHandler(checker, healthhttp.WithBasePath("/v1/health"),
		healthhttp.WithIAMCaller(lambdahttp.IAMCaller)) // details for IAM-authorized routes
	if err != nil {
		return nil, err
	}
	r.Route("/v1", func(r chi.Router) {
		r.Get("/orders/{id}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			// Encoded, not concatenated: the ID is the caller's text.
			_ = json.NewEncoder(w).Encode(map[string]string{"id": chi.URLParam(r, "id")})
		})
		r.Mount("/health", h)
	})
	// chi's Mount hands h /v1/health and below only: the aliases beside it
	// (/v1/livez, /v1/healthz, /v1/readyz) need routes of their own.
	for _, p := range h.Paths() {
		if p != "/v1/health" && p != "/v1/health/" {
			r.Handle(p, h)
		}
	}
	return r, nil
}
