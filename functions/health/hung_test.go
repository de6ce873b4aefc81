package main

import (
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
)

// TestHungDrainParameterKeepsReadiness: with SSM hung, readiness answers
// 200 warn "drain state unknown (timeout …)" inside its budget, not 503.
func TestHungDrainParameterKeepsReadiness(t *testing.T) {
	env, _ := testenv.HungAWS(t)
	_, addr, _ := start(t, append(env, "HEALTH_DRAIN_PARAMETER=/orders/drain", "HEALTH_DETAILS=always", "HEALTH_BUDGET=1s")...)
	for i := range 2 { // the hung read, then its cached result
		begin := time.Now()
		resp, err := http.Get("http://" + addr + "/health/ready")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		elapsed := time.Since(begin)
		// The caller waits what is left of its 1s budget: "timeout after 998ms" or so.
		want := `"output":"drain: drain state unknown (timeout after `
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"status":"warn"`) || !strings.Contains(string(body), want) {
			t.Errorf("ready #%d = %d %s; want 200 warn with %s", i, resp.StatusCode, body, want)
		}
		// A generous second on top (the CI machine is loaded): the store
		// itself never answers.
		if elapsed > 2*time.Second {
			t.Errorf("ready #%d took %v; want <= the 1s budget + 1s", i, elapsed)
		}
	}
}

// TestHungStartupCallsFail: with Secrets Manager hung, start-up ends with
// a clear error inside Lambda's 10 s init limit, whichever start-up call
// waits on it (the details token, a database secretArn), and the error
// names neither the endpoint nor the ARN.
func TestHungStartupCallsFail(t *testing.T) {
	const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:health-token-AbCdEf"
	tests := []struct {
		name, env, field string
	}{
		{"token secret", "HEALTH_TOKEN_SECRET_ARN=" + arn, "HEALTH_TOKEN_SECRET_ARN"},
		{"database secret", `HEALTH_CHECKS=[{"name":"db","type":"postgres","host":"db.internal","user":"u","database":"d","secretArn":"` + arn + `"}]`, "HEALTH_CHECKS[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, endpoint := testenv.HungAWS(t)
			cmd := exec.Command(binary)
			cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HEALTH_LISTEN=127.0.0.1:0", tt.env}, env...)
			var out checktest.LockedBuffer
			cmd.Stdout, cmd.Stderr = &out, &out
			elapsed, err := testenv.RunWithin(t, cmd, 15*time.Second)
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() == 0 {
				t.Errorf("exit = %v; want a non-zero exit", err)
			}
			t.Logf("start-up failed after %v: %s", elapsed.Round(time.Millisecond), strings.TrimSpace(out.String()))
			if elapsed > 10*time.Second {
				t.Errorf("start-up took %v to fail; want < 10s (Lambda's init limit)", elapsed)
			}
			text := out.String()
			if !strings.Contains(text, tt.field) || !strings.Contains(text, "timeout after 8s") {
				t.Errorf("output does not say %s timed out after 8s:\n%s", tt.field, text)
			}
			for _, leak := range []string{endpoint, arn, "123456789012", "db.internal"} {
				if strings.Contains(text, leak) {
					t.Errorf("output names %q:\n%s", leak, text)
				}
			}
		})
	}
}
