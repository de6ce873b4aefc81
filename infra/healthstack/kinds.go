package healthstack

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lambdahealth/lambdahealth/pkg/checks/registry"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/controls"
)

// GOGC is every function's GOGC: Go's first collection comes at 4 MB of
// heap, and the AWS SDK clients allocated ~5 MB in package init (1.2 MB at
// the releases go.mod pins), so 200 keeps start-up free of collections
// (docs/PERFORMANCE.md). template.yaml sets the
// same in Globals.
const GOGC = "200"

// kindsOf returns the distinct check types of a HEALTH_CHECKS array,
// sorted: the KINDS of a bootstrap that runs it and links nothing else.
func kindsOf(checksJSON string) ([]string, error) {
	var checks []struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal([]byte(checksJSON), &checks); err != nil {
		return nil, fmt.Errorf("checks: %w", err)
	}
	var kinds []string
	for i, c := range checks {
		if !registry.Known(c.Type) {
			return nil, fmt.Errorf("checks[%d].type: %q is not one of %s", i, c.Type, strings.Join(registry.All, ", "))
		}
		kinds = append(kinds, c.Type)
	}
	slices.Sort(kinds)
	return slices.Compact(kinds), nil
}

// controlVariables maps each control of pkg/controls (its file
// control_<name>.go) to the variable that turns it on.
var controlVariables = []struct{ variable, control string }{
	{config.EnvChecksParameter, controls.ChecksParameter},
	{config.EnvDrainParameter, controls.DrainControl},
	{config.EnvTokenSecretARN, controls.TokenControl},
}

// historyControl is the control of the status page's uptime history
// (pkg/controls/control_history.go), which no variable turns on: the health
// function links it whenever its role may call cloudwatch:GetMetricData,
// which is always.
const historyControl = controls.HistoryControl

// controlsOf returns the CONTROLS of a function's bootstrap: the controls
// its environment sets.
func controlsOf(env map[string]*string) []string {
	var out []string
	for _, c := range controlVariables {
		if v, ok := env[c.variable]; ok && v != nil && *v != "" {
			out = append(out, c.control)
		}
	}
	return out
}

// leanBootstrap builds function's bootstrap (health or canary) for linux/arm64
// with only kinds and controls into AssetDir/<function>/arm64-<kinds>[+<controls>],
// and returns that directory. It runs the target `sam build` runs
// (mk/sam.mk, `make build-HealthFunction ARTIFACTS_DIR=… KINDS=… CONTROLS=…`)
// in root, the repository, so that the build flags and the tag scheme stay
// in mk/kinds.mk alone.
func leanBootstrap(root, assetDir, function string, kinds, ctls []string) (string, error) {
	name := "arm64-" + strings.Join(kinds, "-")
	if len(ctls) > 0 {
		name += "+" + strings.Join(ctls, "-")
	}
	dir, err := filepath.Abs(filepath.Join(assetDir, function, name))
	if err != nil {
		return "", err
	}
	target := "build-" + strings.ToUpper(function[:1]) + function[1:] + "Function"
	cmd := exec.Command("make", "--no-print-directory", "-C", root, target,
		"ARTIFACTS_DIR="+dir, "KINDS="+strings.Join(kinds, ","), "CONTROLS="+strings.Join(ctls, ","))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build the %s bootstrap for KINDS=%s: %w", function, strings.Join(kinds, ","), err)
	}
	return dir, nil
}
