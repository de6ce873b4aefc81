package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/eventcases"
	"github.com/lambdahealth/lambdahealth/internal/rie"
	"github.com/lambdahealth/lambdahealth/internal/rie/rietest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// TestEventsThroughEmulator runs the production bootstrap (linux, this
// machine's architecture, -tags lambda.norpc, stripped) under the Lambda
// Runtime Interface Emulator, as `sam local invoke` does, and sends it
// every events/health-*.json file. Its one check, "db", is a PostgreSQL
// check against the local stack (healthy) or against a closed port
// (failing); one emulator process serves every file of each case, and each
// whole answer is checked with eventcases. The healthy emulator then gets
// events that are not HTTP events and must answer them with a function
// error, without its runtime crashing.
func TestEventsThroughEmulator(t *testing.T) {
	dsn := testenv.Need(t, "LOCAL_PG_DSN")["LOCAL_PG_DSN"]
	emulator := rietest.EmulatorPath(t)
	files, err := eventcases.Files(testenv.Root())
	if err != nil || len(files) == 0 {
		t.Fatalf("no events/health-*.json files: %v", err)
	}
	bootstrap := rietest.Bootstrap(t, "./functions/health")
	id := eventcases.Identity{ServiceID: "orders", ReleaseID: "1.2.3", Version: "1",
		Check: "db:" + health.MeasurementResponseTime, ComponentType: health.ComponentDatastore}
	down := "postgres://health:unused@" + testenv.ClosedPort(t) + "/healthdb?sslmode=disable"

	for _, tc := range []struct {
		name    string
		dsn     string
		healthy bool
	}{{"healthy", dsn, true}, {"failing", down, false}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := rietest.Start(t, rie.Config{
				Emulator: emulator, Bootstrap: bootstrap,
				FunctionName: "HealthFunction", MemoryMB: 256, Timeout: 10 * time.Second,
				Env: []string{
					"AWS_REGION=us-east-1",
					"HEALTH_SERVICE=orders", "HEALTH_ENVIRONMENT=test", "HEALTH_VERSION=1.2.3",
					"HEALTH_TOKEN=" + eventcases.Token,
					`HEALTH_CHECKS=[{"name":"db","type":"postgres","dsn":"` + tc.dsn + `","timeout":"1s"}]`,
				},
			})
			for _, file := range files {
				name := filepath.Base(file)
				t.Run(name, func(t *testing.T) {
					payload, err := os.ReadFile(file)
					if err != nil {
						t.Fatal(err)
					}
					inv := rietest.Invoke(t, e, payload)
					if fe, failed := inv.FunctionError(); inv.StatusCode != http.StatusOK || failed {
						t.Fatalf("emulator answered %d %s (function error %v); want the function's response", inv.StatusCode, inv.Payload, fe)
					}
					if inv.Report == nil {
						t.Errorf("no REPORT line for %s", name)
					}
					eventcases.Verify(t, name, inv.Payload, eventcases.Expect(name, tc.healthy), id)
				})
			}
			if tc.healthy {
				t.Run("not-http-events", func(t *testing.T) { notHTTPEvents(t, e) })
				t.Run("forged-requests", func(t *testing.T) { forgedRequests(t, e) })
			}
			if n := len(e.InitReports()); n != 1 {
				t.Errorf("the runtime was initialised %d times; want once for every invocation", n)
			}
		})
	}
}

// notHTTPEvents sends e events the function must refuse: the emulator must
// return the function's error (errorType, errorMessage saying what is wrong
// without quoting the event), and the runtime must go on serving.
func notHTTPEvents(t *testing.T, e *rie.Emulator) {
	for _, tt := range []struct {
		name, payload, wantMessage string
	}{
		{"truncated", `{"version":"2.0","rawPath":"/health`, "malformed event: truncated JSON"},
		{"not JSON", `hello-secret-value`, "malformed event: "},
		{"array", `[1,2]`, "malformed event: "},
		{"eventbridge", `{"version":"0","id":"x","detail-type":"Scheduled Event","source":"aws.events","detail":{}}`, "unsupported event: "},
		{"v2 without http", `{"version":"2.0","rawPath":"/health","requestContext":{}}`, "malformed event: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			inv := rietest.Invoke(t, e, []byte(tt.payload))
			fe, ok := inv.FunctionError()
			if inv.StatusCode != http.StatusOK || !ok || fe.Type != "EventError" || !strings.HasPrefix(fe.Message, tt.wantMessage) {
				t.Fatalf("emulator answered %d %s; want a function error with errorType EventError and errorMessage %q…", inv.StatusCode, inv.Payload, tt.wantMessage)
			}
			if strings.Contains(fe.Message, "secret") || strings.Contains(fe.Message, "rawPath") {
				t.Errorf("errorMessage %q quotes the event", fe.Message)
			}
			if inv.Report == nil {
				t.Errorf("no REPORT line: the emulator saw a crash, not a function error")
			}
		})
	}
	payload, err := os.ReadFile(filepath.Join(testenv.Root(), "events", "health-v2-live.json"))
	if err != nil {
		t.Fatal(err)
	}
	if inv := rietest.Invoke(t, e, payload); !strings.Contains(string(inv.Payload), `"statusCode":200`) {
		t.Errorf("after the refused events, live = %s; want 200", inv.Payload)
	}
}

// forgedRequests is issue 15, defects 3 and 6, through the real bootstrap:
// a Host with a path in it does not change the route, and a CR/LF in the
// path cannot forge a log line: every line the function prints is one JSON
// object and none carries the request's text.
func forgedRequests(t *testing.T, e *rie.Emulator) {
	for _, tt := range []struct {
		name, payload string
		wantCode      int
	}{
		{"host with a path", `{"requestContext":{"elb":{"targetGroupArn":"arn"}},"httpMethod":"GET","path":"/health/live",` +
			`"headers":{"host":"lb.example/health/checks/nope?"}}`, http.StatusOK}, // 404 if the host chose the route
		{"CR/LF in the path", `{"requestContext":{"elb":{"targetGroupArn":"arn"}},"httpMethod":"GET",` +
			`"path":"/health/live\r\n{\"level\":\"ERROR\",\"msg\":\"forged\"}","headers":{"host":"lb.example"}}`, http.StatusBadRequest},
		{"method not a token", `{"version":"2.0","rawPath":"/health","requestContext":{"http":{"method":"GET forged"},"domainName":"x"}}`, http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			inv := rietest.Invoke(t, e, []byte(tt.payload))
			var resp eventcases.Response
			if err := json.Unmarshal(inv.Payload, &resp); err != nil || resp.StatusCode != tt.wantCode || strings.Contains(resp.Body, "checks") {
				t.Errorf("answer = %s; want %d without a check run", inv.Payload, tt.wantCode)
			}
			for _, line := range inv.Logs {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil || strings.Contains(line, "forged") {
					t.Errorf("the function printed %q: want JSON lines quoting nothing of the request", line)
				}
			}
		})
	}
}
