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

// hungAWS returns the environment of an AWS whose every endpoint accepts
// connections and never answers (a dead NAT or VPC endpoint), and that
// endpoint's address.
func hungAWS(t *testing.T) ([]string, string) {
	addr := testenv.HungListener(t)
	return []string{"AWS_ENDPOINT_URL=http://" + addr, "AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test"}, addr
}

// TestHungDrainParameterKeepsReadiness: with SSM hung, readiness answers
// 200 warn "drain state unknown (timeout …)" inside its budget, not 503.
func TestHungDrainParameterKeepsReadiness(t *testing.T) {
	env, _ := hungAWS(t)
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
		want := `"output":"drain: drain state unknown (timeout after 1s)"`
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"status":"warn"`) || !strings.Contains(string(body), want) {
			t.Errorf("ready #%d = %d %s; want 200 warn with %s", i, resp.StatusCode, body, want)
		}
		if elapsed > time.Second+500*time.Millisecond {
			t.Errorf("ready #%d took %v; want <= the 1s budget + 500ms", i, elapsed)
		}
	}
}

// TestHungTokenSecretFailsStartup: with Secrets Manager hung, start-up ends
// with a clear error inside Lambda's 10 s init limit, and the error names
// neither the endpoint nor the ARN.
func TestHungTokenSecretFailsStartup(t *testing.T) {
	env, endpoint := hungAWS(t)
	const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:health-token-AbCdEf"
	cmd := exec.Command(binary)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HEALTH_LISTEN=127.0.0.1:0", "HEALTH_TOKEN_SECRET_ARN=" + arn}, env...)
	var out checktest.LockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		elapsed := time.Since(begin)
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() == 0 {
			t.Errorf("exit = %v; want a non-zero exit", err)
		}
		t.Logf("start-up failed after %v: %s", elapsed.Round(time.Millisecond), strings.TrimSpace(out.String()))
		if elapsed > 10*time.Second {
			t.Errorf("start-up took %v to fail; want < 10s (Lambda's init limit)", elapsed)
		}
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("start-up still running after 15s; output:\n%s", out.String())
	}
	text := out.String()
	if !strings.Contains(text, "HEALTH_TOKEN_SECRET_ARN") || !strings.Contains(text, "timeout") {
		t.Errorf("output does not say the token secret timed out:\n%s", text)
	}
	for _, leak := range []string{endpoint, arn, "123456789012"} {
		if strings.Contains(text, leak) {
			t.Errorf("output names %q:\n%s", leak, text)
		}
	}
}
