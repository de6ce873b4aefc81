package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/loadgen"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
)

// serve starts Run on a free loopback port and stops it when the test ends.
func serve(t testing.TB, h http.Handler, opts ...Option) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Run(ctx, "127.0.0.1:0", h, append(opts, WithReady(ready))...) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v; want nil after a graceful shutdown", err)
		}
	}
	return addr, stop
}

// countingChecks returns n checks whose calls are counted.
func countingChecks(n int, calls []atomic.Int64) []health.Check {
	checks := make([]health.Check, n)
	for i := range checks {
		checks[i] = health.Check{Name: fmt.Sprintf("dep-%d", i),
			Probe: func(context.Context) (health.Observation, error) {
				calls[i].Add(1)
				time.Sleep(2 * time.Millisecond)
				return health.Observation{}, nil
			}}
	}
	return checks
}

// TestLoad drives 10,000 requests at concurrency 64 against the local
// server with cached checks, healthy and hung: no transport errors, every
// answer as expected, and at most one dependency call per check per TTL.
func TestLoad(t *testing.T) {
	t.Parallel()
	const ttl = time.Second
	hung := func(ctx context.Context) (health.Observation, error) {
		<-ctx.Done()
		return health.Observation{}, ctx.Err()
	}
	for _, tt := range []struct {
		name     string
		probe    func(context.Context) (health.Observation, error)
		budget   time.Duration
		wantCode int
	}{
		// The healthy case's budget is generous: on a loaded 2-core CI
		// machine a refresh after the TTL can wait on the scheduler for
		// longer than a tight budget, which would turn a pass into 503.
		{"healthy", func(context.Context) (health.Observation, error) {
			time.Sleep(2 * time.Millisecond)
			return health.Observation{}, nil
		}, 5 * time.Second, 200},
		{"hung", hung, 200 * time.Millisecond, 503},
	} {
		t.Run(tt.name, func(t *testing.T) {
			calls := make([]atomic.Int64, 5)
			checks := make([]health.Check, len(calls))
			for i := range checks {
				checks[i] = health.Check{Name: fmt.Sprintf("dep-%d", i),
					Probe: func(ctx context.Context) (health.Observation, error) {
						calls[i].Add(1)
						return tt.probe(ctx)
					}}
			}
			checker, err := health.NewChecker(checks, health.WithCacheTTL(ttl), health.WithBudget(tt.budget))
			if err != nil {
				t.Fatal(err)
			}
			addr, stop := serve(t, checktest.Handler(t, checker))
			defer stop()
			res := loadgen.Run(context.Background(), "http://"+addr+"/health", 10_000, 64)
			if res.Requests != 10_000 || res.Errors != 0 || res.Codes[tt.wantCode] != 10_000 {
				t.Errorf("requests %d, transport errors %d, codes %v; want 10000 answered %d", res.Requests, res.Errors, res.Codes, tt.wantCode)
			}
			bound := int64(res.Elapsed/ttl) + 1
			for i := range calls {
				if got := calls[i].Load(); got < 1 || got > bound {
					t.Errorf("dep-%d: %d dependency calls in %v; want 1..%d (one per TTL)", i, got, res.Elapsed.Round(time.Millisecond), bound)
				}
			}
			t.Logf("10000 requests at concurrency 64, %s: %.0f req/s, p50 %v, p99 %v", tt.name, res.RPS(), res.Percentile(0.5), res.Percentile(0.99))
		})
	}
}

// TestShutdownDrainsReadiness: after shutdown starts, the server keeps
// answering for the drain delay, with readiness failing, then closes. The
// server's time is a synctest bubble's: the delay passes only once the
// requests below have their answers.
func TestShutdownDrainsReadiness(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		checker, _ := health.NewChecker(nil)
		// The drain has begun when the hook has run, not after some sleep.
		draining := make(chan struct{})
		ln, stop := servePipe(t, checktest.Handler(t, checker),
			WithOnShutdown(func() { checker.SetDraining(true); close(draining) }), WithDrainDelay(2*time.Second))
		client := ln.client()
		get := func(path string) (int, error) {
			resp, err := client.Get("http://pipe" + path)
			if err != nil {
				return 0, err
			}
			resp.Body.Close()
			return resp.StatusCode, nil
		}
		if code, err := get("/health/ready"); code != 200 {
			t.Fatalf("ready before shutdown = %d, %v; want 200", code, err)
		}
		stopped := make(chan error, 1)
		go func() { stopped <- stop() }()
		<-draining
		begin := time.Now()
		if code, err := get("/health/ready"); code != 503 {
			t.Errorf("ready during the drain delay = %d, %v; want 503", code, err)
		}
		if code, err := get("/health/live"); code != 200 {
			t.Errorf("live during the drain delay = %d, %v; want 200", code, err)
		}
		if err := <-stopped; err != nil {
			t.Errorf("Run returned %v; want nil after a graceful shutdown", err)
		}
		if waited := time.Since(begin); waited < 2*time.Second {
			t.Errorf("server closed %v into the drain; want after the 2s delay", waited)
		}
		if _, err := get("/health/live"); err == nil {
			t.Errorf("server still answers after shutdown")
		}
	})
}

func TestListenError(t *testing.T) {
	t.Parallel()
	err := Run(context.Background(), "127.0.0.1:notaport", http.NotFoundHandler())
	if err == nil {
		t.Errorf("Run(bad address) = nil; want an error")
	}
}

// BenchmarkEndToEnd measures requests per second and latency percentiles of
// the cached comprehensive route through the local server, over loopback.
func BenchmarkEndToEnd(b *testing.B) {
	for _, path := range []string{"/health/live", "/health"} {
		b.Run(path, func(b *testing.B) {
			calls := make([]atomic.Int64, 5)
			checker, _ := health.NewChecker(countingChecks(5, calls), health.WithCacheTTL(time.Minute))
			addr, stop := serve(b, checktest.Handler(b, checker, healthhttp.WithDetails(healthhttp.DetailsAlways)))
			defer stop()
			b.ResetTimer()
			res := loadgen.Run(context.Background(), "http://"+addr+path, max(b.N, 2000), 32)
			b.StopTimer()
			res.Report(b)
		})
	}
}

// TestHugeHeaderIsRejected sends a 1 MiB header to the local server: 431,
// and the server keeps serving.
func TestHugeHeaderIsRejected(t *testing.T) {
	t.Parallel()
	checker, _ := health.NewChecker(nil)
	addr, stop := serve(t, checktest.Handler(t, checker))
	defer stop()
	req, _ := http.NewRequest("GET", "http://"+addr+"/health/live?q="+strings.Repeat("q", 1<<20), nil)
	req.Header.Set("X-Huge", strings.Repeat("x", 1<<20))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("huge header: %v; want a 431 answer", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("huge header = %d; want 431", resp.StatusCode)
	}
	resp, err = http.Get("http://" + addr + "/health/live")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after a huge header, live = %v, %v; want 200", resp, err)
	}
	resp.Body.Close()
}
