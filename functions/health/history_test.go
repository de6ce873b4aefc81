package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
)

// get fetches url with accept and returns the code and body.
func get(t *testing.T, url, accept string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// countingCloudWatch is a loopback CloudWatch that answers GetMetricData,
// in Smithy RPC v2 CBOR as the SDK's client speaks it, with one hour of
// the service's runs (59 passed of 60) at the current hour, and counts the
// requests.
func countingCloudWatch(t *testing.T) (string, *atomic.Int64) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if !strings.HasSuffix(r.URL.Path, "/operation/GetMetricData") {
			t.Errorf("request to %s; want only GetMetricData", r.URL.Path)
		}
		hour := cbor.List{cbor.Tag{ID: 1, Value: cbor.Uint(time.Now().Truncate(time.Hour).Unix())}}
		result := func(id string, v float64) cbor.Value {
			return cbor.Map{"Id": cbor.String(id), "StatusCode": cbor.String("Complete"), "Timestamps": hour, "Values": cbor.List{cbor.Float64(v)}}
		}
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		_, _ = w.Write(cbor.Encode(cbor.Map{"MetricDataResults": cbor.List{result("passed0", 59), result("runs0", 60)}}))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &calls
}

// TestHistoryIsReadOnlyForThePage: liveness, readiness and the default
// JSON never call CloudWatch; the first page view makes the client and
// calls it once, however many viewers come at once; ?history=1 then
// reads the same cached figures.
func TestHistoryIsReadOnlyForThePage(t *testing.T) {
	endpoint, calls := countingCloudWatch(t)
	_, addr, logs := start(t, "AWS_ENDPOINT_URL="+endpoint, "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		`HEALTH_CHECKS=[{"name":"web","type":"tcp","address":"`+testenv.OpenPort(t)+`"}]`, "HEALTH_DETAILS=always", "HEALTH_SERVICE=orders")
	base := "http://" + addr
	for _, path := range []string{healthhttp.RouteLive, healthhttp.RouteReady, healthhttp.RouteHealth, healthhttp.RouteChecks + "web"} {
		if code, body := get(t, base+path, ""); code != 200 || strings.Contains(body, "history") {
			t.Errorf("GET %s = %d %s; want 200 without history", path, code, body)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("%d CloudWatch calls before any page view; want 0", n)
	}
	var wg sync.WaitGroup
	pages := make([]string, 20)
	for i := range pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, pages[i] = get(t, base+healthhttp.RouteHealth, acceptBrowser)
		}()
	}
	wg.Wait()
	for i, page := range pages {
		if !strings.Contains(page, `data-window="24h">98.33%</td>`) {
			t.Fatalf("page %d has no 24h figure of 98.33%%:\n%s\nlogs:\n%s", i, page, logs)
		}
	}
	_, body := get(t, base+healthhttp.RouteHealth+"?"+healthhttp.QueryHistory+"="+healthhttp.HistoryOn, "")
	if !strings.Contains(body, `"service":{"last24h":0.983333,"last7d":0.983333,"last30d":0.983333`) {
		t.Errorf("?history=1 = %s; want the service's figures", body)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d CloudWatch calls for 20 concurrent page views and a JSON one; want 1", n)
	}
}

// TestHistoryUnavailableInTheBootstrap: with CloudWatch hung or refusing,
// the page answers within the budget, with "history unavailable".
func TestHistoryUnavailableInTheBootstrap(t *testing.T) {
	hungEnv, _ := testenv.HungAWS(t)
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"hung", hungEnv, "history unavailable (timeout)"},
		{"refused", []string{"AWS_ENDPOINT_URL=http://" + testenv.ClosedPort(t), "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test"},
			"history unavailable (connection refused)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, addr, _ := start(t, append(tt.env, "HEALTH_CHECKS=[]", "HEALTH_BUDGET=1s")...)
			begin := time.Now()
			code, page := get(t, "http://"+addr+healthhttp.RouteHealth, acceptBrowser)
			// A generous second on top of the 1s budget: the machine is loaded.
			if elapsed := time.Since(begin); code != 200 || !strings.Contains(page, tt.want) || elapsed > 2*time.Second {
				t.Errorf("page = %d after %v, %s; want 200 within the 1s budget (+1s) with %q", code, elapsed, page, tt.want)
			}
		})
	}
}

// TestLeanBuildHasNoHistory: a bootstrap built without the history control
// (make build KINDS=tcp) links no CloudWatch client and says so on the page
// and under ?history=1.
func TestLeanBuildHasNoHistory(t *testing.T) {
	lean := filepath.Join(t.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc,kinds,kind_tcp", "-trimpath", "-ldflags", "-s -w", "-o", lean, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	_, addr, _ := startBinary(t, lean, "HEALTH_CHECKS=[]")
	if _, page := get(t, "http://"+addr+healthhttp.RouteHealth, acceptBrowser); !strings.Contains(page, "history unavailable (not built in)") {
		t.Errorf("lean page = %s; want history unavailable (not built in)", page)
	}
	if _, body := get(t, "http://"+addr+healthhttp.RouteHealth+"?"+healthhttp.QueryHistory+"="+healthhttp.HistoryOn, ""); !strings.Contains(body, `"history":{"unavailable":"not built in"}`) {
		t.Errorf("lean ?history=1 = %s; want the history unavailable, not built in", body)
	}
}
