package lambdahttp

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// benchPaths are the two ways to answer an HTTP API liveness event, event
// in to response out: the plain path a user of api-proxy writes
// (encoding/json into events.APIGatewayV2HTTPRequest, api-proxy's V2
// adapter, encoding/json out) and this package's Adapter.Invoke. Both serve
// the same health handler.
func benchPaths(tb testing.TB) (plain, adapter func() []byte) {
	tb.Helper()
	checker, err := health.NewChecker(nil)
	if err != nil {
		tb.Fatal(err)
	}
	h := checktest.Handler(tb, checker)
	payload, err := os.ReadFile("../../events/health-v2-live.json")
	if err != nil {
		tb.Fatal(err)
	}
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
	v2 := httpadapter.NewV2(h)
	plain = func() []byte {
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(payload, &ev); err != nil {
			tb.Fatal(err)
		}
		resp, err := v2.ProxyWithContext(ctx, ev)
		if err != nil {
			tb.Fatal(err)
		}
		out, err := json.Marshal(resp)
		if err != nil {
			tb.Fatal(err)
		}
		return out
	}
	a := New(h, WithStageStripping(true))
	adapter = func() []byte {
		out, err := a.Invoke(ctx, payload)
		if err != nil {
			tb.Fatal(err)
		}
		return out
	}
	return plain, adapter
}

// BenchmarkInvokeV2Live measures both paths in one run (see
// docs/PERFORMANCE.md): go test -run '^$' -bench InvokeV2Live -benchmem ./pkg/lambdahttp
func BenchmarkInvokeV2Live(b *testing.B) {
	plain, adapter := benchPaths(b)
	for _, bc := range []struct {
		name string
		f    func() []byte
	}{{"plain-api-proxy", plain}, {"adapter", adapter}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bc.f()
			}
		})
	}
}

// TestAdapterAllocatesLessThanPlainPath holds the adapter to fewer
// allocations than the plain api-proxy path (counts are exact, unlike
// timings on a shared machine), and both paths to the same answer.
func TestAdapterAllocatesLessThanPlainPath(t *testing.T) {
	plain, adapter := benchPaths(t)
	var p, a map[string]any
	if err := json.Unmarshal(plain(), &p); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(adapter(), &a); err != nil {
		t.Fatal(err)
	}
	if p["statusCode"] != a["statusCode"] || p["body"] != a["body"] {
		t.Errorf("adapter answered %v; the plain path %v", a, p)
	}
	pa, aa := testing.AllocsPerRun(100, func() { plain() }), testing.AllocsPerRun(100, func() { adapter() })
	if aa >= pa {
		t.Errorf("adapter: %v allocations per invocation; plain path %v: want fewer", aa, pa)
	}
}

// BenchmarkInvokeV2LiveRatio times the two paths in alternating batches of
// 100 invocations and reports the median batch of each, per invocation, and
// their ratio: load from elsewhere on a shared machine stalls some batches
// of either path, and the medians leave those out.
func BenchmarkInvokeV2LiveRatio(b *testing.B) {
	plain, adapter := benchPaths(b)
	const batch = 100
	var tp, ta []time.Duration
	timeBatch := func(f func() []byte) time.Duration {
		start := time.Now()
		for range batch {
			f()
		}
		return time.Since(start) / batch
	}
	for b.Loop() {
		tp = append(tp, timeBatch(plain))
		ta = append(ta, timeBatch(adapter))
	}
	mp, ma := median(tp), median(ta)
	b.ReportMetric(float64(mp.Nanoseconds()), "plain-ns/op")
	b.ReportMetric(float64(ma.Nanoseconds()), "adapter-ns/op")
	b.ReportMetric(float64(ma)/float64(mp), "adapter/plain")
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}
