// Command periodic is a long-running net/http server whose health checks
// run in the background: its one dependency, an HTTP service, is probed at
// start and then every 15 s, and every request (a load balancer's,
// Kubernetes', a monitor's) reads the last result without probing it.
// It links no module outside the standard library but x/sync. Run it with
// PAYMENTS_URL set:
//
//	PAYMENTS_URL=https://payments.example.com/health go run ./examples/periodic
package main

import (
	"context"
	"errors"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/httpcheck"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	mux, checker, err := newServer(os.Getenv("PAYMENTS_URL"), nil)
	if err != nil {
		log.Fatal(err)
	}
	checker.Start(ctx) // background runs until ctx ends
	srv := &http.Server{Addr: "127.0.0.1:8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// newServer returns the server's mux with the health routes, and the
// checker to Start. client sends the check's requests (nil: its own).
func newServer(paymentsURL string, client httpcheck.Doer) (*http.ServeMux, *health.Checker, error) {
	payments, err := httpcheck.New(checks.Common{Name: "payments"}, httpcheck.Spec{URL: paymentsURL}, client)
	if err != nil {
		return nil, nil, err
	}
	payments.Interval = 15 * time.Second // probed in the background, never by a request
	checker, err := health.NewChecker([]health.Check{payments}, health.WithLogger(slog.Default()))
	if err != nil {
		return nil, nil, err
	}
	h, err := healthhttp.NewHandler(checker, healthhttp.WithDetails(healthhttp.DetailsAlways))
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	h.Mount(mux)
	return mux, checker, nil
}
