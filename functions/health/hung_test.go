package main

import (
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checkbuild"
	"github.com/lambdahealth/lambdahealth/pkg/config"
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
// a clear error when its deadline does, whichever start-up call waits on
// it (the details token, a database secretArn), and the error names
// neither the endpoint nor the ARN. The deadline is injected (setupWithin)
// so that the test does not wait out checkbuild.StartupTimeout, which main
// gives every start-up and which must end inside Lambda's 10 s init limit.
func TestHungStartupCallsFail(t *testing.T) {
	const lambdaInit = 10 * time.Second
	if checkbuild.StartupTimeout > lambdaInit-time.Second {
		t.Errorf("StartupTimeout = %v; want it to leave the rest of start-up 1s of Lambda's %v init limit", checkbuild.StartupTimeout, lambdaInit)
	}
	const startup = 500 * time.Millisecond
	const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:health-token-AbCdEf"
	tests := []struct {
		name, key, value, field string
	}{
		{"token secret", "HEALTH_TOKEN_SECRET_ARN", arn, "HEALTH_TOKEN_SECRET_ARN"},
		{"database secret", "HEALTH_CHECKS", `[{"name":"db","type":"postgres","host":"db.internal","user":"u","database":"d","secretArn":"` + arn + `"}]`, "HEALTH_CHECKS[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, endpoint := testenv.HungAWS(t)
			// Only the hung endpoint: no shared config or service endpoint of the caller's.
			for _, k := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_SESSION_TOKEN"} {
				t.Setenv(k, "")
			}
			t.Setenv("AWS_CONFIG_FILE", os.DevNull)
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
			for _, kv := range env {
				k, v, _ := strings.Cut(kv, "=")
				t.Setenv(k, v)
			}
			cfg, err := config.Load(func(k string) string {
				if k == tt.key {
					return tt.value
				}
				return ""
			})
			if err != nil {
				t.Fatal(err)
			}
			begin := time.Now()
			_, _, err = setupWithin(slog.New(slog.DiscardHandler), cfg, startup)
			elapsed := time.Since(begin)
			if err == nil {
				t.Fatal("setup = nil; want the start-up error")
			}
			text := err.Error()
			t.Logf("start-up failed after %v: %s", elapsed.Round(time.Millisecond), text)
			// A generous second on top (the CI machine is loaded): the store itself never answers.
			if elapsed > startup+time.Second {
				t.Errorf("start-up took %v to fail; want <= its %v deadline + 1s", elapsed, startup)
			}
			// The time the call was given: the whole deadline (the token), or
			// what was left of it when the call began (a database secret, to 100 ms).
			m := timeoutAfter.FindStringSubmatch(text)
			if !strings.Contains(text, tt.field) || m == nil {
				t.Fatalf("error does not say %s timed out:\n%s", tt.field, text)
			}
			if given, err := time.ParseDuration(m[1]); err != nil || given <= 0 || given > startup {
				t.Errorf("error says %q; want a timeout after at most the %v deadline", m[0], startup)
			}
			for _, leak := range []string{endpoint, arn, "123456789012", "db.internal"} {
				if strings.Contains(text, leak) {
					t.Errorf("error names %q:\n%s", leak, text)
				}
			}
		})
	}
}

// timeoutAfter matches a "timeout after <duration>" output.
var timeoutAfter = regexp.MustCompile(`timeout after ([0-9.]+(?:ms|s))`)
