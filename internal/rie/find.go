package rie

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// ErrNotFound is returned by Find when the emulator binary is not there.
var ErrNotFound = errors.New("runtime interface emulator not found")

// Arch returns the emulator's name for a Go architecture: x86_64 for
// amd64, arm64 for arm64, and "" for anything else.
func Arch(goarch string) string {
	switch goarch {
	case "amd64":
		return "x86_64"
	case "arm64":
		return "arm64"
	}
	return ""
}

// Find returns the emulator for this machine's architecture in the SAM CLI
// venv of the checkout at root:
// root/.venv/sam/lib/python3*/site-packages/samcli/local/rapid/aws-lambda-rie-<arch>.
// It wraps ErrNotFound when there is none (`make tools` installs it).
func Find(root string) (string, error) {
	arch := Arch(runtime.GOARCH)
	if arch == "" {
		return "", fmt.Errorf("%w: no emulator build for %s", ErrNotFound, runtime.GOARCH)
	}
	pattern := filepath.Join(root, ".venv", "sam", "lib", "python3*", "site-packages", "samcli", "local", "rapid", "aws-lambda-rie-"+arch)
	matches, _ := filepath.Glob(pattern)
	sort.Sort(sort.Reverse(sort.StringSlice(matches))) // the newest python3.N first
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return m, nil
		}
	}
	return "", fmt.Errorf("%w: nothing executable matches %s (run `make tools`)", ErrNotFound, pattern)
}

// Build compiles the Lambda function in pkg (a package path relative to
// root, such as ./functions/health) into dir/bootstrap for linux and this
// machine's architecture, with the production flags: CGO_ENABLED=0,
// -tags lambda.norpc (and tags), -trimpath, -ldflags "-s -w". It returns the path of
// the binary.
func Build(ctx context.Context, root, pkg, dir string, tags ...string) (string, error) {
	out := filepath.Join(dir, "bootstrap")
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", strings.Join(append([]string{"lambda.norpc"}, tags...), ","), "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH, "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s: %w\n%s", pkg, err, b)
	}
	return out, nil
}
