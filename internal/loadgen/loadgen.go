// Package loadgen drives a bounded number of HTTP requests at a fixed
// concurrency against one URL and reports errors, status codes, throughput
// and latency percentiles. It is for tests and benchmarks against servers on
// this machine.
package loadgen

import (
	"context"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Result is what a run saw.
type Result struct {
	Requests  int
	Errors    int         // transport errors
	Codes     map[int]int // responses by status code
	Elapsed   time.Duration
	Latencies []time.Duration // sorted
}

// RPS returns requests per second.
func (r Result) RPS() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// Percentile returns the q-th latency (0 < q <= 1).
func (r Result) Percentile(q float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(q*float64(len(r.Latencies))+0.5) - 1
	i = max(0, min(i, len(r.Latencies)-1))
	return r.Latencies[i]
}

// Run sends n GET requests to url from concurrency workers, stopping early
// when ctx is done.
func Run(ctx context.Context, url string, n, concurrency int) Result {
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency},
	}
	defer client.CloseIdleConnections()
	var next atomic.Int64
	lat := make([]time.Duration, n)
	codes := make([]int, n)
	var errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
				resp, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					codes[i] = -1
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(t0)
				codes[i] = resp.StatusCode
			}
		}()
	}
	wg.Wait()
	r := Result{Elapsed: time.Since(start), Errors: int(errs.Load()), Codes: map[int]int{}}
	for i, c := range codes {
		if c == 0 {
			continue // not sent
		}
		r.Requests++
		if c > 0 {
			r.Codes[c]++
			r.Latencies = append(r.Latencies, lat[i])
		}
	}
	sort.Slice(r.Latencies, func(a, b int) bool { return r.Latencies[a] < r.Latencies[b] })
	return r
}

// Report fails b on transport errors and reports the run's throughput and
// latency percentiles as benchmark metrics (req/s, p50-ms, p99-ms).
func (r Result) Report(b *testing.B) {
	b.Helper()
	if r.Errors != 0 {
		b.Fatalf("%d transport errors", r.Errors)
	}
	b.ReportMetric(r.RPS(), "req/s")
	b.ReportMetric(float64(r.Percentile(0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(r.Percentile(0.99).Microseconds())/1000, "p99-ms")
}
