package tcp

import (
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
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
			o := checktest.Run(t, New(checks.Common{Name: "x"}, Spec{Address: tt.address}, nil), budget)
			checktest.Expect(t, o, tt.wantStatus, tt.wantOutput, budget)
		})
	}
}
