package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLeanBuildRejectsWhatItLacks builds the bootstrap as
// `make build KINDS=http,tcp` does and gives it a configuration that needs
// a kind and a control it was built without: it must fail at start-up
// naming them and the build knobs, never serve with a check missing.
func TestLeanBuildRejectsWhatItLacks(t *testing.T) {
	t.Parallel()
	lean := filepath.Join(t.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc,kinds,kind_http,kind_tcp", "-trimpath", "-ldflags", "-s -w", "-o", lean, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	tests := []struct {
		name string
		env  []string
		want []string
	}{
		{"kind", []string{`HEALTH_CHECKS=[{"name":"web","type":"http","url":"http://127.0.0.1:9/"},{"name":"orders","type":"kinesis","stream":"orders"}]`},
			[]string{`HEALTH_CHECKS[1].type: kind "kinesis" is not in this build (built with KINDS=http,tcp; rebuild with make build KINDS=http,kinesis,tcp`}},
		{"control", []string{"HEALTH_CHECKS=[]", "HEALTH_DRAIN_PARAMETER=/orders/drain", "HEALTH_TOKEN_SECRET_ARN=arn:aws:secretsmanager:us-east-1:123456789012:secret:t"},
			[]string{"HEALTH_DRAIN_PARAMETER: the drain control is not in this build (built with KINDS=http,tcp CONTROLS=; rebuild with make build CONTROLS=drain",
				"HEALTH_TOKEN_SECRET_ARN: the token control is not in this build"}},
		{"checks parameter", []string{"HEALTH_CHECKS_PARAMETER=/orders/checks", "AWS_REGION=us-east-1"},
			[]string{"HEALTH_CHECKS_PARAMETER: the checksparameter control is not in this build"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(lean)
			cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HEALTH_LISTEN=127.0.0.1:0"}, tt.env...)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("exit = %v; want exit status 1\n%s", err, out)
			}
			var logged struct{ Error string }
			if err := json.Unmarshal(out, &logged); err != nil {
				t.Fatalf("output is not one JSON log line: %v\n%s", err, out)
			}
			for _, want := range tt.want {
				if !strings.Contains(logged.Error, want) {
					t.Errorf("output does not say %q:\n%s", want, out)
				}
			}
		})
	}
}
