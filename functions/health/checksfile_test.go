package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/lambdahealth/lambdahealth/internal/rie"
	"github.com/lambdahealth/lambdahealth/internal/rie/rietest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
)

// manyChecks returns a HEALTH_CHECKS array of at least size bytes of tcp
// checks of addr, and how many checks it holds.
func manyChecks(t *testing.T, addr string, size int) (string, int) {
	t.Helper()
	var items []string
	for n := 0; ; n++ {
		items = append(items, fmt.Sprintf(`{"name":"dependency-%03d","type":"tcp","address":%q,"timeout":"1s"}`, n, addr))
		if s := "[" + strings.Join(items, ",") + "]"; len(s) >= size {
			return s, len(items)
		}
	}
}

// healthBody decodes a health+json answer and counts its checks.
func healthBody(t *testing.T, body []byte) (string, int) {
	t.Helper()
	var doc struct {
		Status string                     `json:"status"`
		Checks map[string]json.RawMessage `json:"checks"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("answer is not health+json: %v\n%s", err, body)
	}
	return doc.Status, len(doc.Checks)
}

// wantAllPass asks the local server at addr for /health and wants 200 pass
// with n checks.
func wantAllPass(t *testing.T, addr string, n int, logs fmt.Stringer) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/health")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	status, got := healthBody(t, body)
	if resp.StatusCode != http.StatusOK || status != "pass" || got != n {
		t.Errorf("GET /health = %d %s with %d checks; want 200 pass with %d\nlogs:\n%s", resp.StatusCode, status, got, n, logs)
	}
}

// TestChecksFileLocalServer: 12 KB of checks, three times what Lambda's whole
// environment holds, through HEALTH_CHECKS_FILE in the local server.
func TestChecksFileLocalServer(t *testing.T) {
	t.Parallel()
	checks, n := manyChecks(t, testenv.OpenPort(t), 12<<10)
	path := filepath.Join(t.TempDir(), "checks.json")
	if err := os.WriteFile(path, []byte(checks), 0o644); err != nil {
		t.Fatal(err)
	}
	_, addr, logs := start(t, "HEALTH_CHECKS_FILE="+path, "HEALTH_DETAILS=always")
	wantAllPass(t, addr, n, logs)
}

// TestChecksFileThroughEmulator: the same 12 KB, bundled beside the bootstrap
// (as the CDK asset or a zip would carry it) and named relative to
// LAMBDA_TASK_ROOT, through the Lambda Runtime Interface Emulator.
func TestChecksFileThroughEmulator(t *testing.T) {
	t.Parallel()
	emulator := rietest.EmulatorPath(t)
	bootstrap := rietest.Bootstrap(t, "./functions/health")
	checks, n := manyChecks(t, testenv.OpenPort(t), 12<<10)
	if err := os.WriteFile(filepath.Join(filepath.Dir(bootstrap), "checks.json"), []byte(checks), 0o644); err != nil {
		t.Fatal(err)
	}
	e := rietest.Start(t, rie.Config{
		Emulator: emulator, Bootstrap: bootstrap,
		FunctionName: "HealthFunction", MemoryMB: 256, Timeout: 10 * time.Second,
		Env: []string{"AWS_REGION=us-east-1", "HEALTH_DETAILS=always", "HEALTH_CHECKS_FILE=checks.json"},
	})
	payload, err := os.ReadFile(filepath.Join(testenv.Root(), "events", "health-v2-health.json"))
	if err != nil {
		t.Fatal(err)
	}
	inv := rietest.Invoke(t, e, payload)
	var resp struct {
		StatusCode int    `json:"statusCode"`
		Body       string `json:"body"`
	}
	if err := json.Unmarshal(inv.Payload, &resp); err != nil {
		t.Fatalf("emulator answered %d %s", inv.StatusCode, inv.Payload)
	}
	status, got := healthBody(t, []byte(resp.Body))
	if resp.StatusCode != http.StatusOK || status != "pass" || got != n {
		t.Errorf("/health = %d %s with %d checks; want 200 pass with %d", resp.StatusCode, status, got, n)
	}
}

// TestChecksParameterFromLocalStack: the checks in an SSM parameter in
// LocalStack (4 KB, a standard parameter's limit, also past what the
// environment can spare), read once at start-up by the real binary.
func TestChecksParameterFromLocalStack(t *testing.T) {
	ctx := context.Background()
	awsCfg, envs := localAWS(t)
	checks, n := manyChecks(t, testenv.OpenPort(t), 3<<10)
	param := "/lambdahealth-it/checks-" + testenv.RandomSuffix(t)
	client := ssm.NewFromConfig(awsCfg)
	if _, err := client.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(param), Value: aws.String(checks),
		Type: ssmtypes.ParameterTypeSecureString}); err != nil {
		t.Fatalf("put parameter: %v", err)
	}
	t.Cleanup(func() { _, _ = client.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(param)}) })
	_, addr, logs := start(t, append(envs, "HEALTH_CHECKS_PARAMETER="+param, "HEALTH_DETAILS=always")...)
	wantAllPass(t, addr, n, logs)

	t.Run("missing", func(t *testing.T) {
		cmd := healthCommand(append(envs, "HEALTH_CHECKS_PARAMETER="+param+"-missing")...)
		out, err := cmd.CombinedOutput()
		want := "HEALTH_CHECKS_PARAMETER (" + param + "-missing): cannot read the parameter: not found"
		if err == nil || !strings.Contains(string(out), want) {
			t.Errorf("start-up with a missing parameter: %v\n%s\nwant exit 1 and %q", err, out, want)
		}
	})
}
