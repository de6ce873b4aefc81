// Command refserver is the reference of the cold-start measurement
// (internal/coldstart): an alexliesenfeld/health v0.8.1 server with its
// defaults and no checks, on plain net/http, answering GET /health/live on
// $HEALTH_LISTEN (default 127.0.0.1:8080). It is what a team writes when it
// wants a health endpoint and nothing else.
package main

import (
	"log"
	"net/http"
	"os"

	"github.com/alexliesenfeld/health"
)

func main() {
	addr := os.Getenv("HEALTH_LISTEN")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	mux := http.NewServeMux()
	mux.Handle("/health/live", health.NewHandler(health.NewChecker()))
	log.Fatal(http.ListenAndServe(addr, mux))
}
