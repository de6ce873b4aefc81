package healthhttp

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// nopWriter is a ResponseWriter that keeps nothing, so benchmarks measure
// the handler and not the recorder.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}

func benchHandler(b *testing.B, path string, header ...string) {
	var checks []health.Check
	for _, name := range []string{"orders-db", "queue", "bucket", "payments-api", "cache"} {
		checks = append(checks, health.Check{Name: name,
			Probe: func(context.Context) (health.Observation, error) { return health.Observation{}, nil }})
	}
	checker, err := health.NewChecker(checks, health.WithCacheTTL(time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	h := mustHandler(b, checker, WithDetails(DetailsAlways), WithService(Service{ID: "orders", Version: "1.0.0"}))
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	h.ServeHTTP(&nopWriter{h: http.Header{}}, req) // warm the cache
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		h.ServeHTTP(&nopWriter{h: http.Header{}}, req)
	}
}

// BenchmarkLiveness measures the liveness route.
func BenchmarkLiveness(b *testing.B) { benchHandler(b, "/health/live") }

// BenchmarkComprehensiveCached measures /health with five cached checks.
func BenchmarkComprehensiveCached(b *testing.B) { benchHandler(b, "/health") }
