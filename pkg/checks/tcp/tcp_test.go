package tcp

import (
	"context"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func TestProbe(t *testing.T) {
	const budget = 300 * time.Millisecond
	tests := []struct {
		name       string
		address    string
		wantStatus health.Status
		wantOutput string
	}{
		{"open", testenv.OpenPort(t), health.StatusPass, ""},
		{"refused", testenv.ClosedPort(t), health.StatusFail, health.ClassRefused},
		{"blackholed", testenv.Blackhole(t), health.StatusFail, "timeout after 300ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := health.NewChecker([]health.Check{{Name: "x", Probe: New(checks.Common{}, Spec{Address: tt.address}, nil).Probe}},
				health.WithBudget(budget))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			r := c.All(context.Background()).Results[0]
			if elapsed := time.Since(start); elapsed > budget+100*time.Millisecond {
				t.Errorf("answer took %v; want <= %v", elapsed, budget+100*time.Millisecond)
			}
			if r.Status != tt.wantStatus {
				t.Errorf("status = %q (%q); want %q", r.Status, r.Output, tt.wantStatus)
			}
			if r.Output != tt.wantOutput {
				t.Errorf("output = %q; want %q", r.Output, tt.wantOutput)
			}
		})
	}
}
