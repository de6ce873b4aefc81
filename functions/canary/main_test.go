package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/healthjson"
)

func checksEnv(t *testing.T) string {
	return `[{"name":"up","type":"tcp","address":"` + testenv.OpenPort(t) + `"},` +
		`{"name":"down","type":"tcp","address":"` + testenv.ClosedPort(t) + `","timeout":"300ms"}]`
}

func TestScheduledEventThroughLambdaEntryPoint(t *testing.T) {
	payload, err := os.ReadFile("../../events/canary-scheduled.json")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HEALTH_CHECKS", checksEnv(t))
	t.Setenv("HEALTH_METRICS", "emf")
	t.Setenv("HEALTH_SERVICE", "orders")
	var emf bytes.Buffer
	runner, _, err := setupWith(context.Background(), discard(), &emf)
	if err != nil {
		t.Fatal(err)
	}
	out, err := lambda.NewHandler(handler(runner)).Invoke(context.Background(), payload)
	if err != nil {
		t.Fatalf("Invoke = %s, %v; want success (a failing check is data)", out, err)
	}
	lines := strings.Split(strings.TrimSpace(emf.String()), "\n")
	if len(lines) != 3 || !strings.Contains(emf.String(), `"Check":"down"`) || !strings.Contains(emf.String(), `"Service":"orders"`) {
		t.Errorf("EMF output = %s; want 3 lines for the run, up and down", emf.String())
	}
	if _, err := lambda.NewHandler(handler(runner)).Invoke(context.Background(), []byte(`{"detail":`)); err == nil {
		t.Errorf("Invoke(truncated event) = nil error; want a decode error")
	}
}

func TestUnrecordedRunFailsTheInvocation(t *testing.T) {
	payload, _ := os.ReadFile("../../events/canary-scheduled.json")
	t.Setenv("HEALTH_CHECKS", checksEnv(t))
	t.Setenv("HEALTH_METRICS", "api")
	t.Setenv("AWS_ENDPOINT_URL", "http://"+testenv.ClosedPort(t))
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	runner, _, err := setupWith(context.Background(), discard(), failingWriter{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lambda.NewHandler(handler(runner)).Invoke(context.Background(), payload); err == nil {
		t.Errorf("Invoke = nil error; want an error when neither the API nor EMF took the data")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("closed") }

func TestOutsideLambdaExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		checks   string
		wantCode int
		want     string
	}{
		{"pass", `[{"name":"up","type":"tcp","address":"` + testenv.OpenPort(t) + `"}]`, 0, "pass"},
		{"warn", `[{"name":"down","type":"tcp","address":"` + testenv.ClosedPort(t) + `","critical":false}]`, 0, "warn"},
		{"fail", `[{"name":"down","type":"tcp","address":"` + testenv.ClosedPort(t) + `"}]`, 1, "fail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := canaryCommand("HEALTH_METRICS=emf", "HEALTH_CHECKS="+tt.checks)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			}
			if code != tt.wantCode {
				t.Errorf("exit code = %d; want %d\n%s\n%s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			// stdout: EMF lines, then the indented result document.
			out := stdout.String()
			i := strings.Index(out, "{\n")
			var body healthjson.Response
			if i < 0 || json.Unmarshal([]byte(out[i:]), &body) != nil || string(body.Status) != tt.want || len(body.Checks) != 1 {
				t.Errorf("result = %q; want an application/health+json document with status %s and details", out, tt.want)
			}
			if !strings.Contains(stderr.String(), `"msg":"canary run"`) {
				t.Errorf("stderr has no summary line: %s", stderr.String())
			}
		})
	}
	cmd := canaryCommand("HEALTH_METRICS=carrier-pigeon")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "HEALTH_METRICS") {
		t.Errorf("bad config: %v %s; want a non-zero exit naming HEALTH_METRICS", err, out)
	}
}

// TestMetricsReachCloudWatch runs the canary once against LocalStack's
// CloudWatch with one passing and one failing check and reads the
// datapoints back: values, units and dimensions as published.
func TestMetricsReachCloudWatch(t *testing.T) {
	testenv.SetAWSEnv(t)
	service := "canary-it-" + time.Now().Format("150405.000000")
	t.Setenv("HEALTH_CHECKS", checksEnv(t))
	t.Setenv("HEALTH_METRICS", "api")
	t.Setenv("HEALTH_SERVICE", service)
	t.Setenv("HEALTH_ENVIRONMENT", "it")
	t.Setenv("HEALTH_METRICS_NAMESPACE", "LambdaHealthIT")
	runner, _, err := setupWith(context.Background(), discard(), failingWriter{}) // EMF must not be needed
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-time.Minute)
	if _, err := runner.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	cw := cloudwatch.NewFromConfig(awsConfig(t))
	rb := readback{cw: cw, namespace: "LambdaHealthIT", service: service, environment: "it", since: start}
	rb.expect(t, []want{
		{"up", "Success", types.StandardUnitNone, 1},
		{"up", "Degraded", types.StandardUnitNone, 0},
		{"up", "Duration", types.StandardUnitMilliseconds, -1},
		{"down", "Success", types.StandardUnitNone, 0},
		{"down", "Degraded", types.StandardUnitNone, 0},
		{"down", "Duration", types.StandardUnitMilliseconds, -1},
	})
	if got := rb.runValue(t, "Success", 1+0); got != 0 {
		t.Errorf("run Success = %v; want 0 (a critical check failed)", got)
	}
	if got := rb.runValue(t, "Degraded", 0+0); got != 0 {
		t.Errorf("run Degraded = %v; want 0", got)
	}
	// And the run's metrics exist with exactly Service and Environment.
	lm, err := cw.ListMetrics(context.Background(), &cloudwatch.ListMetricsInput{Namespace: aws.String("LambdaHealthIT"),
		Dimensions: []types.DimensionFilter{{Name: aws.String("Service"), Value: aws.String(service)}}})
	if err != nil {
		t.Fatal(err)
	}
	runLevel := map[string]bool{}
	for _, m := range lm.Metrics {
		if len(m.Dimensions) == 2 {
			runLevel[aws.ToString(m.MetricName)] = true
		}
	}
	for _, name := range []string{"Success", "Degraded", "Duration"} {
		if !runLevel[name] {
			t.Errorf("no run-level %s metric with dimensions Service and Environment; got %v", name, lm.Metrics)
		}
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func awsConfig(t *testing.T) aws.Config {
	t.Helper()
	cfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestNewKindMetricsReachCloudWatch: the canary publishes per-check metrics
// for the kinds DynamoDB, Redis, SNS, Kinesis, EventBridge and Secrets
// Manager like the others, read back from LocalStack's CloudWatch.
func TestNewKindMetricsReachCloudWatch(t *testing.T) {
	testenv.SetAWSServiceEnv(t, "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_KINESIS")
	if v, ok := testenv.Lookup("AWS_ENDPOINT_URL_SNS"); ok {
		t.Setenv("AWS_ENDPOINT_URL_SNS", v)
	}
	env := testenv.Need(t, "LOCAL_TABLE", "LOCAL_REDIS_ENDPOINT", "LOCAL_TOPIC_ARN", "LOCAL_STREAM", "LOCAL_EVENT_BUS", "LOCAL_SECRET_ID")
	service := "canary-kinds-" + time.Now().Format("150405.000000")
	checks, _ := json.Marshal([]map[string]string{
		{"name": "table", "type": "dynamodb", "table": env["LOCAL_TABLE"]},
		{"name": "cache", "type": "redis", "endpoint": env["LOCAL_REDIS_ENDPOINT"]},
		{"name": "topic", "type": "sns", "topicArn": env["LOCAL_TOPIC_ARN"]},
		{"name": "stream", "type": "kinesis", "stream": env["LOCAL_STREAM"]},
		{"name": "bus", "type": "eventbridge", "eventBus": env["LOCAL_EVENT_BUS"]},
		{"name": "secret", "type": "secretsmanager", "secretId": env["LOCAL_SECRET_ID"]},
	})
	t.Setenv("HEALTH_CHECKS", string(checks))
	t.Setenv("HEALTH_METRICS", "api")
	t.Setenv("HEALTH_SERVICE", service)
	t.Setenv("HEALTH_ENVIRONMENT", "it")
	t.Setenv("HEALTH_METRICS_NAMESPACE", "LambdaHealthIT")
	runner, _, err := setupWith(context.Background(), discard(), failingWriter{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-time.Minute)
	if _, err := runner.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	rb := readback{cw: cloudwatch.NewFromConfig(awsConfig(t)), namespace: "LambdaHealthIT", service: service, environment: "it", since: start}
	var wants []want
	for _, name := range []string{"table", "cache", "topic", "stream", "bus", "secret"} {
		wants = append(wants, want{name, "Success", types.StandardUnitNone, 1}, want{name, "Duration", types.StandardUnitMilliseconds, -1})
	}
	rb.expect(t, wants)
}
