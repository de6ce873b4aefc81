//go:build linux

// Command customcheck is a custom check: the free space of /tmp (Lambda's
// ephemeral storage), observed in percent, warn below 20% and fail below
// 5%. It prints the result as application/health+json and exits 1 on fail.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"syscall"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthjson"
)

// freeSpace is a custom check: what it observes is a percentage, not a
// response time, so it names its measurement and unit.
func freeSpace(dir string, statfs func(string, *syscall.Statfs_t) error) health.Check {
	return health.Check{
		Name: "tmp", ComponentType: health.ComponentSystem, Measurement: "freeSpace",
		Probe: func(ctx context.Context) (health.Observation, error) {
			var st syscall.Statfs_t
			if err := statfs(dir, &st); err != nil {
				return health.Observation{}, health.WithClass("statfs failed", err)
			}
			free := 100 * float64(st.Bavail) / float64(st.Blocks)
			obs := health.Observation{Value: free, Unit: "%"}
			switch {
			case free < 5:
				obs.Status, obs.Output = health.StatusFail, fmt.Sprintf("%.0f%% free", free)
			case free < 20:
				obs.Status, obs.Output = health.StatusWarn, fmt.Sprintf("%.0f%% free, below 20%%", free)
			}
			return obs, nil
		},
	}
}

func main() {
	checker, err := health.NewChecker([]health.Check{freeSpace(os.TempDir(), syscall.Statfs)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	rep := checker.All(context.Background())
	body, _ := json.MarshalIndent(healthjson.Service{ID: "customcheck"}.Render(rep, true), "", "  ")
	fmt.Println(string(body))
	if rep.Status == health.StatusFail {
		os.Exit(1)
	}
}
