// Package healthstacktest helps test stacks that hold a healthstack.Health.
package healthstacktest

import (
	"os"
	"path/filepath"
	"testing"
)

// AssetDir returns a directory of stub bootstraps (<function>/arm64/bootstrap),
// to pass as HealthProps.AssetDir, so that a test synthesizes without
// `make build`.
func AssetDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, fn := range []string{"health", "canary", "gate"} {
		if err := os.MkdirAll(filepath.Join(dir, fn, "arm64"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fn, "arm64", "bootstrap"), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
