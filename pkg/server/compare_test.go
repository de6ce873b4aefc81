package server

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	ahealth "github.com/alexliesenfeld/health"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/loadgen"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
	"github.com/lambdahealth/lambdahealth/pkg/reqlog"
)

// livenessServers are the two liveness handlers compared, each wired as in
// production: ours as functions/health wires it (JSON logs to a real file,
// as stdout is, and the panic recovery), alexliesenfeld/health's with its
// defaults and no checks.
func livenessServers(tb testing.TB, passLog time.Duration) map[string]http.Handler {
	tb.Helper()
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = devNull.Close() })
	logger := slog.New(reqlog.Handler(slog.NewJSONHandler(devNull, nil)))
	checker, err := health.NewChecker(nil, health.WithLogger(logger))
	if err != nil {
		tb.Fatal(err)
	}
	ours := healthhttp.Recover(checktest.Handler(tb, checker, healthhttp.WithLogger(logger),
		healthhttp.WithService(healthhttp.Service{ID: "orders", Version: "1.0.0"}),
		healthhttp.WithPassLogInterval(passLog)), logger)
	theirs := ahealth.NewHandler(ahealth.NewChecker())
	return map[string]http.Handler{"lambdahealth": ours, "alexliesenfeld-health": theirs}
}

// BenchmarkLivenessVsAlexliesenfeld serves both liveness handlers through
// this package's server on loopback and drives them with the same load
// generator (20,000 requests at 32 connections), alternating three rounds
// each, and reports the median throughput of each and their ratio.
//
//	go test -run '^$' -bench LivenessVsAlexliesenfeld -benchtime 1x ./pkg/server
func BenchmarkLivenessVsAlexliesenfeld(b *testing.B) {
	for _, mode := range []struct {
		name    string
		passLog time.Duration
	}{{"summarized", healthhttp.DefaultPassLogInterval}, {"line-per-request", 0}} {
		b.Run(mode.name, func(b *testing.B) {
			servers := livenessServers(b, mode.passLog)
			addrs := map[string]string{}
			for name, h := range servers {
				addr, stop := serve(b, h)
				defer stop()
				addrs[name] = "http://" + addr + healthhttp.RouteLive
			}
			rps := map[string][]float64{}
			for b.Loop() {
				for range 3 {
					for _, name := range []string{"lambdahealth", "alexliesenfeld-health"} {
						res := loadgen.Run(context.Background(), addrs[name], 20000, 32)
						if res.Errors != 0 || res.Codes[http.StatusOK] != res.Requests {
							b.Fatalf("%s: %d errors, codes %v", name, res.Errors, res.Codes)
						}
						rps[name] = append(rps[name], res.RPS())
					}
				}
			}
			ours, theirs := medianOf(rps["lambdahealth"]), medianOf(rps["alexliesenfeld-health"])
			b.ReportMetric(ours, "lambdahealth-req/s")
			b.ReportMetric(theirs, "alexliesenfeld-req/s")
			b.ReportMetric(ours/theirs, "ratio")
		})
	}
}

func medianOf(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}
