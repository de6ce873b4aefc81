package health

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkComprehensiveVsSlowest measures a comprehensive run of five
// uncached checks against the slowest of them: the run costs the slowest
// check plus overhead-ms, not the sum.
func BenchmarkComprehensiveVsSlowest(b *testing.B) {
	for _, slowest := range []time.Duration{10 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond} {
		b.Run(fmt.Sprintf("slowest=%s", slowest), func(b *testing.B) {
			var checks []Check
			var sum time.Duration
			for i := 1; i <= 5; i++ {
				d := slowest * time.Duration(i) / 5
				sum += d
				checks = append(checks, Check{Name: fmt.Sprintf("c%d", i),
					Probe: func(ctx context.Context) (Observation, error) {
						select {
						case <-time.After(d):
						case <-ctx.Done():
						}
						return Observation{}, nil
					}})
			}
			c, err := NewChecker(checks, WithCacheTTL(0))
			if err != nil {
				b.Fatal(err)
			}
			var total time.Duration
			for b.Loop() {
				start := time.Now()
				if rep := c.All(context.Background()); rep.Status != StatusPass {
					b.Fatalf("status %s", rep.Status)
				}
				total += time.Since(start)
			}
			mean := total / time.Duration(b.N)
			b.ReportMetric(float64(mean.Microseconds())/1000, "run-ms")
			b.ReportMetric(float64((mean-slowest).Microseconds())/1000, "overhead-ms")
			b.ReportMetric(float64(sum.Microseconds())/1000, "sum-ms")
		})
	}
}
