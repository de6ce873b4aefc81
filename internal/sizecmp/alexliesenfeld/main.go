// Command alexliesenfeld is examples/periodic written with
// github.com/alexliesenfeld/health v0.8.1: the same server, the same one
// HTTP dependency checked in the background every 15 s, for the size
// comparison in docs/PERFORMANCE.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/alexliesenfeld/health"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	url := os.Getenv("PAYMENTS_URL")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	checker := health.NewChecker(health.WithPeriodicCheck(15*time.Second, 0, health.Check{
		Name:    "payments",
		Timeout: 2 * time.Second,
		Check: func(ctx context.Context) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return err
			}
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
			if resp.StatusCode < 200 || resp.StatusCode > 399 {
				return fmt.Errorf("unexpected status %d", resp.StatusCode)
			}
			return nil
		},
	}))
	mux := http.NewServeMux()
	mux.Handle("/health", health.NewHandler(checker))
	srv := &http.Server{Addr: "127.0.0.1:8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
