package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
	"github.com/lambdahealth/lambdahealth/pkg/metrics"
	"github.com/lambdahealth/lambdahealth/pkg/uptime"
)

// awsKeys are the settings that point a process at the local stack.
var awsKeys = []string{"AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}

// backfill publishes n canary runs of the service and its checks orders-db
// and payments to CloudWatch, one a minute from at, with the canary's own
// publisher (api mode): the first failing of them fail orders-db and with
// it the service; payments always passes.
func backfill(t *testing.T, pub *metrics.Publisher, service, environment string, at time.Time, n, failing int, inMaintenance bool) {
	t.Helper()
	for i := range n {
		status := health.StatusPass
		if i < failing {
			status = health.StatusFail
		}
		rep := health.Report{Status: status, Results: []health.Result{
			{Name: "orders-db", Status: status, Duration: 3 * time.Millisecond},
			{Name: "payments", Status: health.StatusPass, Duration: 2 * time.Millisecond},
		}}
		b := metrics.FromReport(service, environment, at.Add(time.Duration(i)*time.Minute), 5*time.Millisecond, rep)
		b.Data = append(b.Data, metrics.InMaintenance(inMaintenance))
		if err := pub.Publish(context.Background(), b); err != nil {
			t.Fatalf("publish: %v", err)
		}
	}
}

// TestStatusPageHistoryInChromium: the canary (the real bootstrap, run
// twice now) and the canary's publisher (runs backdated by hours and days)
// publish to LocalStack's CloudWatch; the health function reads them back
// with GetMetricData (Smithy RPC v2 CBOR) and headless Chromium shows the
// 24 h / 7 d / 30 d figures and the 30-day strip, which the test asserts in
// the DOM. It saves .local/browser/status-page-history.png, and with
// UPDATE_SCREENSHOT=1 writes docs/status-page.png, the one the docs show.
func TestStatusPageHistoryInChromium(t *testing.T) {
	browser := chromium(t)
	env := testenv.Need(t, awsKeys...)
	var awsEnv []string
	for _, k := range awsKeys {
		awsEnv = append(awsEnv, k+"="+env[k])
		t.Setenv(k, env[k])
	}
	// LocalStack matches dimension values with LIKE '%Service=orders%': a
	// fresh Environment of fixed length keeps other runs' data out.
	service, environment := "orders", "test-"+testenv.RandomSuffix(t)
	checks := `[{"name":"orders-db","type":"tcp","address":"` + testenv.ClosedPort(t) + `","timeout":"300ms"},` +
		`{"name":"payments","type":"tcp","address":"` + testenv.OpenPort(t) + `"}]`
	common := append([]string{"HEALTH_SERVICE=" + service, "HEALTH_ENVIRONMENT=" + environment, "HEALTH_CHECKS=" + checks}, awsEnv...)

	// The canary, twice: orders-db is down, so both runs fail.
	canaryBin := filepath.Join(t.TempDir(), "canary")
	if out, err := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", canaryBin, "../canary").CombinedOutput(); err != nil {
		t.Fatalf("build the canary: %v\n%s", err, out)
	}
	for range 2 {
		cmd := exec.Command(canaryBin)
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HEALTH_METRICS=api"}, common...)
		out, err := cmd.CombinedOutput()
		if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 || !strings.Contains(string(out), `"status": "fail"`) {
			t.Fatalf("canary run = %v; want exit 1 with status fail\n%s", err, out)
		}
	}
	// Earlier runs, through the canary's own publisher, each batch in the
	// middle of one of the strip's days: 6 passing runs 12 hours before the
	// next full hour; 8 passing runs 3 days before that, in maintenance; 10
	// runs 10 days before, the first 5 failing.
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// A PutMetricData that fails writes its data as EMF instead: here, a
	// LocalStack that is not there.
	var fallback bytes.Buffer
	pub, err := metrics.NewPublisher(metrics.NewCloudWatch(cfg), metrics.WithNamespace("ServiceHealth"), metrics.WithEMFWriter(&fallback))
	if err != nil {
		t.Fatal(err)
	}
	end := uptime.End(time.Now())
	recent, maintenance, failed := end.Add(-12*time.Hour), end.Add(-3*uptime.Day-12*time.Hour), end.Add(-10*uptime.Day-12*time.Hour)
	backfill(t, pub, service, environment, recent, 6, 0, false)
	backfill(t, pub, service, environment, maintenance, 8, 0, true)
	backfill(t, pub, service, environment, failed, 10, 5, false)
	if fallback.Len() > 0 {
		t.Fatalf("PutMetricData to %s failed (the data went to EMF): is LocalStack up (make local-up)?", env["AWS_ENDPOINT_URL"])
	}

	_, addr, logs := start(t, append(common, "HEALTH_DETAILS=always", "HEALTH_BUDGET=5s")...)
	url := "http://" + addr + healthhttp.RouteHealth
	dom := string(runChromium(t, browser, url, "--dump-dom"))

	rows := map[string]string{}
	for _, m := range regexp.MustCompile(`(?s)<tr data-uptime="(service|check)"(?: data-check="([^"]*)")?>(.*?)</tr>`).FindAllStringSubmatch(dom, -1) {
		rows[m[1]+":"+m[2]] = m[3]
	}
	// orders-db: 24 h: 6 of 8 runs passed (the canary's 2 failed); 7 d: 14
	// of 16; 30 d: 19 of 26 (73.0769%, rounded down). payments: every run.
	// The service's own Success is orders-db's; LocalStack 4.14 matches
	// dimensions by LIKE, so its run-level series also folds in the two
	// checks' series (docs/LOCAL_STACK.md): 20 of 24, 44 of 48, 64 of 78
	// here, where CloudWatch gives orders-db's figures.
	want := map[string][3]string{
		"check:orders-db": {"75.00%", "87.50%", "73.07%"},
		"check:payments":  {"100%", "100%", "100%"},
		"service:":        {"83.33%", "91.66%", "82.05%"},
	}
	for row, figures := range want {
		html, ok := rows[row]
		if !ok {
			t.Errorf("no uptime row %s in Chromium's DOM:\n%s\nserver logs:\n%s", row, dom, logs)
			continue
		}
		for i, window := range []string{"24h", "7d", "30d"} {
			if cell := `data-window="` + window + `">` + figures[i] + `</td>`; !strings.Contains(html, cell) {
				t.Errorf("row %s lacks %s:\n%s", row, cell, html)
			}
		}
		bars := regexp.MustCompile(`<span class="([a-z -]+)" data-end="([^"]+)" title="([^"]+)"></span>`).FindAllStringSubmatch(html, -1)
		if len(bars) != 30 {
			t.Errorf("row %s has %d days; want 30", row, len(bars))
		}
		for _, b := range bars {
			barEnd, err := time.Parse(time.RFC3339, b[2])
			if err != nil {
				t.Fatalf("bar end %q: %v", b[2], err)
			}
			in := func(at time.Time) bool { return !at.Before(barEnd.Add(-uptime.Day)) && at.Before(barEnd) }
			switch {
			case in(maintenance) && b[1] != "d-pass maint":
				t.Errorf("row %s: the day of the maintenance runs (%s) is %q; want d-pass maint", row, b[3], b[1])
			case in(failed) && row == "check:orders-db" && (b[1] != "d-fail" || !strings.HasSuffix(b[3], ": 50.00%")):
				t.Errorf("orders-db: the day of 5 failed runs of 10 is %q %q; want d-fail at 50.00%%", b[1], b[3])
			case !in(maintenance) && strings.Contains(b[1], "maint"):
				t.Errorf("row %s: %s is marked maintenance", row, b[3])
			}
		}
	}
	if strings.Contains(dom, "history unavailable") || strings.Contains(dom, "<script") {
		t.Errorf("page says the history is unavailable, or has a script:\n%s\nserver logs:\n%s", dom, logs)
	}

	// JSON clients get the same figures under ?history=1.
	if _, body := get(t, url+"?"+healthhttp.QueryHistory+"="+healthhttp.HistoryOn, ""); !strings.Contains(body, `"orders-db":{"last24h":0.75,"last7d":0.875,"last30d":0.730769,`) {
		t.Errorf("?history=1 = %s; want orders-db's figures", body)
	}

	png := screenshot(t, browser, url, "status-page-history.png", "--window-size=1000,620")
	if os.Getenv("UPDATE_SCREENSHOT") == "1" {
		if err := os.WriteFile(filepath.Join(testenv.Root(), "docs", "status-page.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
