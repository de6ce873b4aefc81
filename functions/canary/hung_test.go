package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/lambdahealth/lambdahealth/internal/awsfake"
	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/rie"
	"github.com/lambdahealth/lambdahealth/internal/rie/rietest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

// hungCloudWatchEnv points the canary at a CloudWatch that accepts
// connections and never answers, with the SDK's default retries.
func hungCloudWatchEnv(t *testing.T) []string {
	env, _ := testenv.HungAWS(t)
	return append(env, "HEALTH_METRICS=api")
}

// TestHungCloudWatchInLambdaDeadline: in an invocation with a Lambda-style
// deadline, a hung CloudWatch gets only its share of the time, and the
// datapoints are written as EMF at least metrics.EMFReserve (less 100 ms,
// and less the delay a plain timer due then had) before the invocation
// ends, even when a hung check and an invocation shorter than the budget
// leave no time for the API.
func TestHungCloudWatchInLambdaDeadline(t *testing.T) {
	tests := []struct {
		name    string
		check   string
		timeout time.Duration
	}{
		{"checks pass", `{"name":"up","type":"tcp","address":"` + testenv.OpenPort(t) + `"}`, 3 * time.Second},
		{"check hung, invocation shorter than the budget", `{"name":"web","type":"http","url":"http://` + testenv.HungListener(t) + `/"}`, 1500 * time.Millisecond},
	}
	payload, err := os.ReadFile("../../events/canary-scheduled.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, kv := range hungCloudWatchEnv(t) {
				k, v, _ := strings.Cut(kv, "=")
				t.Setenv(k, v)
			}
			t.Setenv("HEALTH_CHECKS", "["+tt.check+"]")
			var emf checktest.LockedBuffer
			runner, _, err := setupWith(context.Background(), discard(), &emf)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			deadline, _ := ctx.Deadline()
			// A plain timer due when the EMF is: what the scheduler delays it
			// by on a loaded machine, up to half the reserve, is forgiven.
			lateness := checktest.Lateness(deadline.Add(-metrics.EMFReserve))
			out, err := lambda.NewHandler(handler(runner)).Invoke(ctx, payload)
			if err != nil {
				t.Fatalf("Invoke = %s, %v; want success (the data went to EMF)", out, err)
			}
			if !strings.Contains(emf.String(), `"_aws"`) {
				t.Fatalf("EMF output = %q; want the run's datapoints", emf.String())
			}
			early := deadline.Sub(emf.FirstWrite())
			late := lateness()
			t.Logf("EMF written %v before the invocation's deadline (a timer due then fired %v late)", early.Round(time.Millisecond), late.Round(time.Millisecond))
			if want := metrics.EMFReserve - 100*time.Millisecond - min(late, metrics.EMFReserve/2); early < want {
				t.Errorf("EMF written %v before the deadline, a timer due then %v late; want >= %v", early, late, want)
			}
		})
	}
}

// TestHungCloudWatchOutsideLambda: run once outside Lambda (a Docker
// HEALTHCHECK) with CloudWatch hung, the canary exits within 30 s, with
// its datapoints on stdout as EMF and then the result.
func TestHungCloudWatchOutsideLambda(t *testing.T) {
	t.Parallel()
	cmd := canaryCommand(append(hungCloudWatchEnv(t), `HEALTH_CHECKS=[{"name":"up","type":"tcp","address":"`+testenv.OpenPort(t)+`"}]`)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	elapsed, err := testenv.RunWithin(t, cmd, 30*time.Second)
	t.Logf("canary exited after %v: %v", elapsed.Round(time.Millisecond), err)
	if err != nil {
		t.Fatalf("exit = %v; want 0 (the check passed, the data went to EMF)\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	emfAt, docAt := strings.Index(out, `"_aws"`), strings.Index(out, "{\n")
	if emfAt < 0 || docAt < emfAt {
		t.Errorf("stdout = %q; want EMF lines, then the result document", out)
	}
}

// canaryCommand runs this test binary as the canary (its TestMain runs
// main under awsfake.MainEnv), outside Lambda, with env as its whole
// environment: no second build of the function.
func canaryCommand(env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append([]string{awsfake.MainEnv + "=1"}, env...)
	return cmd
}

// TestHungCloudWatchThroughEmulator runs the production bootstrap under the
// Lambda Runtime Interface Emulator with a 5 s timeout and CloudWatch hung:
// the invocation succeeds, its datapoints are in the function's log as EMF,
// and it ends before the timeout.
func TestHungCloudWatchThroughEmulator(t *testing.T) {
	t.Parallel()
	emulator := rietest.EmulatorPath(t)
	payload, err := os.ReadFile(filepath.Join(testenv.Root(), "events", "canary-scheduled.json"))
	if err != nil {
		t.Fatal(err)
	}
	const timeout = 5 * time.Second
	e := rietest.Start(t, rie.Config{
		Emulator: emulator, Bootstrap: rietest.Bootstrap(t, "./functions/canary"),
		FunctionName: "CanaryFunction", MemoryMB: 256, Timeout: timeout,
		Env: append(hungCloudWatchEnv(t), `HEALTH_CHECKS=[{"name":"up","type":"tcp","address":"`+testenv.OpenPort(t)+`"}]`),
	})
	inv := rietest.Invoke(t, e, payload)
	if fe, failed := inv.FunctionError(); inv.StatusCode != http.StatusOK || failed || string(inv.Payload) != "null" {
		t.Fatalf("scheduled run = %d %s (function error %v); want null, the data recorded as EMF", inv.StatusCode, inv.Payload, fe)
	}
	if logs := strings.Join(inv.Logs, "\n"); !strings.Contains(logs, `"_aws"`) {
		t.Errorf("no EMF lines in the function's logs:\n%s", logs)
	}
	if inv.Report == nil {
		t.Fatal("no REPORT line")
	}
	t.Logf("invocation took %v of its %v timeout (%v left)", inv.Report.Duration, timeout, timeout-inv.Report.Duration)
	// The EMF reserve is the margin; a timed-out invocation reports the
	// whole timeout (and fails above).
	if inv.Report.Duration >= timeout {
		t.Errorf("invocation took %v; want it to end before the %v timeout", inv.Report.Duration, timeout)
	}
}
