//go:build linux

package main

import (
	"context"
	"encoding/json"
	"strings"
	"syscall"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthjson"
)

func TestObservedValueAndWarn(t *testing.T) {
	fake := func(blocks, avail uint64) func(string, *syscall.Statfs_t) error {
		return func(_ string, st *syscall.Statfs_t) error { st.Blocks, st.Bavail = blocks, avail; return nil }
	}
	for _, tt := range []struct {
		avail  uint64
		status health.Status
		output string
	}{
		{50, health.StatusPass, ""},
		{10, health.StatusWarn, "10% free, below 20%"},
		{2, health.StatusFail, "2% free"},
	} {
		checker, err := health.NewChecker([]health.Check{freeSpace("/tmp", fake(100, tt.avail))})
		if err != nil {
			t.Fatal(err)
		}
		rep := checker.All(context.Background())
		b, _ := json.Marshal(healthjson.Service{}.Render(rep, true))
		var doc healthjson.Response
		_ = json.Unmarshal(b, &doc)
		got := doc.Checks["tmp:freeSpace"]
		if rep.Status != tt.status || len(got) != 1 || got[0].ObservedValue != float64(tt.avail) || got[0].ObservedUnit != "%" || got[0].Output != tt.output {
			t.Errorf("%d%% free: %s; want %s, observed %d %%, output %q", tt.avail, b, tt.status, tt.avail, tt.output)
		}
	}
}

// TestNoBlocksStillEncodes: a file system reporting no blocks makes the
// observed value 0/0 = NaN, which the engine drops with a reason instead
// of failing the whole document (issue 19, bug 1).
func TestNoBlocksStillEncodes(t *testing.T) {
	noBlocks := func(_ string, st *syscall.Statfs_t) error { st.Blocks, st.Bavail = 0, 0; return nil }
	checker, err := health.NewChecker([]health.Check{freeSpace("/tmp", noBlocks)})
	if err != nil {
		t.Fatal(err)
	}
	rep := checker.All(context.Background())
	b, err := json.Marshal(healthjson.Service{}.Render(rep, true))
	if err != nil || rep.Status != health.StatusPass || !strings.Contains(string(b), "observed value dropped: NaN is not a JSON number") {
		t.Errorf("%s, %v; want pass, encodable, the value dropped with its reason", b, err)
	}
}
