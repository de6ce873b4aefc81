// Package rietest runs the project's functions under the Lambda Runtime
// Interface Emulator in tests: it builds the production bootstrap, starts
// the emulator and stops it when the test ends, and logs the emulator's
// output when the test fails.
//
// A machine without the emulator (the SAM CLI venv that `make tools`
// creates) skips these tests, or fails them under
// HEALTH_REQUIRE_INTEGRATION=1 (testenv.Missing).
package rietest

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/rie"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
)

// EmulatorPath returns the emulator binary, or ends the test through
// testenv.Missing when there is none.
func EmulatorPath(t testing.TB) string {
	t.Helper()
	path, err := rie.Find(testenv.Root())
	if errors.Is(err, rie.ErrNotFound) {
		testenv.Missing(t, err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// Bootstrap builds the function in pkg (relative to the repository root,
// such as ./functions/health) with the production flags for linux and
// this machine's architecture, and tags besides lambda.norpc (such as
// "kinds", "kind_postgres"), into a directory removed when the test ends.
func Bootstrap(t testing.TB, pkg string, tags ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	path, err := rie.Build(ctx, testenv.Root(), pkg, t.TempDir(), tags...)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// Start starts the emulator with cfg (Config.Emulator defaults to
// EmulatorPath) and stops it, with every process it started, when the test
// ends. When the test has failed by then, the emulator's output is logged.
func Start(t testing.TB, cfg rie.Config) *rie.Emulator {
	t.Helper()
	if cfg.Emulator == "" {
		cfg.Emulator = EmulatorPath(t)
	}
	e, err := rie.Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("start the emulator: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Stop(); err != nil {
			t.Errorf("stop the emulator: %v", err)
		}
		if t.Failed() || os.Getenv("RIE_LOG") == "1" {
			t.Logf("emulator stdout:\n%s\nemulator stderr:\n%s", e.Stdout(), e.Stderr())
		}
	})
	return e
}

// Invoke posts payload and fails the test when no answer came back.
func Invoke(t testing.TB, e *rie.Emulator, payload []byte) *rie.Invocation {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inv, err := e.Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	return inv
}
