package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/lambdahealth/lambdahealth/internal/rie"
	"github.com/lambdahealth/lambdahealth/internal/rie/rietest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
)

// TestScheduleThroughEmulator runs the production canary bootstrap under
// the Lambda Runtime Interface Emulator with events/canary-scheduled.json,
// checking PostgreSQL of the local stack (passes) and a closed port
// (fails), and reads the metrics back from LocalStack's CloudWatch: the run
// must have been recorded through PutMetricData, not the EMF fallback.
// A truncated event must come back as a function error.
func TestScheduleThroughEmulator(t *testing.T) {
	t.Parallel()
	env := testenv.Need(t, "LOCAL_PG_DSN", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
	emulator := rietest.EmulatorPath(t)
	payload, err := os.ReadFile(filepath.Join(testenv.Root(), "events", "canary-scheduled.json"))
	if err != nil {
		t.Fatal(err)
	}
	bootstrap := rietest.Bootstrap(t, "./functions/canary")
	service := "canary-rie-" + time.Now().Format("150405.000000")
	const namespace = "LambdaHealthRIE"
	vars := []string{
		"HEALTH_SERVICE=" + service, "HEALTH_ENVIRONMENT=rie",
		"HEALTH_METRICS=api", "HEALTH_METRICS_NAMESPACE=" + namespace,
		`HEALTH_CHECKS=[{"name":"db","type":"postgres","dsn":"` + env["LOCAL_PG_DSN"] + `"},` +
			`{"name":"down","type":"tcp","address":"` + testenv.ClosedPort(t) + `","timeout":"300ms"}]`,
	}
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
		vars = append(vars, k+"="+env[k])
	}
	e := rietest.Start(t, rie.Config{
		Emulator: emulator, Bootstrap: bootstrap,
		FunctionName: "CanaryFunction", MemoryMB: 256, Timeout: 30 * time.Second, Env: vars,
	})

	start := time.Now().Add(-time.Minute)
	inv := rietest.Invoke(t, e, payload)
	if fe, failed := inv.FunctionError(); inv.StatusCode != http.StatusOK || failed || string(inv.Payload) != "null" {
		t.Fatalf("scheduled run = %d %s (function error %v); want null: a failing check is data, not an error", inv.StatusCode, inv.Payload, fe)
	}
	if inv.Report == nil || !inv.Report.Cold {
		t.Errorf("REPORT = %+v; want the cold start's", inv.Report)
	}
	logs := strings.Join(inv.Logs, "\n")
	if !strings.Contains(logs, `"msg":"canary run"`) {
		t.Errorf("no run summary in the function's logs:\n%s", logs)
	}
	if strings.Contains(logs, `"_aws"`) {
		t.Errorf("EMF lines in the logs: PutMetricData failed and the fallback was used:\n%s", logs)
	}

	cw := cloudwatch.NewFromConfig(aws.Config{
		Region: env["AWS_REGION"], BaseEndpoint: aws.String(env["AWS_ENDPOINT_URL"]),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: env["AWS_ACCESS_KEY_ID"], SecretAccessKey: env["AWS_SECRET_ACCESS_KEY"]}, nil
		}),
	})
	rb := readback{cw: cw, namespace: namespace, service: service, environment: "rie", since: start}
	rb.expect(t, []want{
		{"db", "Success", types.StandardUnitNone, 1},
		{"db", "Degraded", types.StandardUnitNone, 0},
		{"db", "Duration", types.StandardUnitMilliseconds, -1},
		{"down", "Success", types.StandardUnitNone, 0},
		{"down", "Duration", types.StandardUnitMilliseconds, -1},
	})
	// The run itself failed, a critical check being down.
	if got := rb.runValue(t, "Success", 1+0); got != 0 {
		t.Errorf("run Success = %v; want 0", got)
	}

	bad := rietest.Invoke(t, e, []byte(`{"detail":`))
	if fe, ok := bad.FunctionError(); bad.StatusCode != http.StatusOK || !ok || fe.Type != "EventError" || fe.Message != "malformed event: truncated JSON" {
		t.Errorf("truncated event = %d %s; want a function error EventError \"malformed event: truncated JSON\"", bad.StatusCode, bad.Payload)
	}
	if n := len(e.InitReports()); n != 1 {
		t.Errorf("the runtime was initialised %d times; want once", n)
	}
}
