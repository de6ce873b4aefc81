// Command nethttp is a plain net/http service that adds the health routes
// (/health, /health/live, /health/ready, /health/checks/{name}, /livez,
// /healthz, /readyz) beside its own, with its PostgreSQL database as a
// critical check. Run it with DATABASE_URL set:
//
//	DATABASE_URL=postgres://user:pass@127.0.0.1:5432/orders go run ./examples/nethttp
package main

import (
	"context"
	"database/sql"
	"log"
	"log/slog"
	"net/http"
	"os"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
)

func main() {
	db, err := sql.Open("pgx", os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	mux, err := newMux(db)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", mux))
}

// pinger is the part of *sql.DB the health check uses.
type pinger interface {
	PingContext(ctx context.Context) error
}

// newMux serves the service's own routes and the health routes.
func newMux(db pinger) (*http.ServeMux, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("[]\n")) })

	checker, err := health.NewChecker([]health.Check{{Name: "orders-db", Probe: health.Ping(db.PingContext)}},
		health.WithLogger(slog.Default())) // the library logs nothing unless told where
	if err != nil {
		return nil, err
	}
	// Details (each check's status and reason) only for callers that send
	// "Authorization: Bearer $HEALTH_TOKEN"; WithDetails(healthhttp.DetailsAlways) shows them to all.
	h, err := healthhttp.NewHandler(checker, healthhttp.WithToken(os.Getenv(config.EnvToken)), healthhttp.WithLogger(slog.Default()))
	if err != nil {
		return nil, err
	}
	h.Mount(mux)
	return mux, nil
}
