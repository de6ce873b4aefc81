package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/internal/loadgen"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
)

// BenchmarkBinaryUnderLoad runs the real binary as the local server with
// two cached checks, drives requests at /health at concurrency 32, and
// reports throughput, latency percentiles and the process's peak RSS.
func BenchmarkBinaryUnderLoad(b *testing.B) {
	checks := fmt.Sprintf(`[{"name":"a","type":"tcp","address":%q},{"name":"b","type":"http","url":"http://%s/"}]`,
		testenv.OpenPort(b), testenv.OpenPort(b))
	cmd, addr, _ := start(b, "HEALTH_DETAILS=always", "HEALTH_CHECKS="+checks, "HEALTH_CACHE_TTL=5s")
	b.ResetTimer()
	res := loadgen.Run(context.Background(), "http://"+addr+"/health", max(b.N, 20_000), 32)
	b.StopTimer()
	res.Report(b)
	b.ReportMetric(peakRSSMiB(b, cmd.Process.Pid), "peak-RSS-MiB")
}

// peakRSSMiB reads VmHWM (the peak resident set) of a process.
func peakRSSMiB(b *testing.B, pid int) float64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	b.Fatal("no VmHWM")
	return 0
}
