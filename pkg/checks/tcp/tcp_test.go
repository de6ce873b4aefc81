package tcp

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func TestProbe(t *testing.T) {
	t.Parallel()
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
			check, err := New(checks.Common{Name: "x"}, Spec{Address: tt.address}, nil)
			if err != nil {
				t.Fatal(err)
			}
			o := checktest.Run(t, check, budget)
			checktest.Expect(t, o, tt.wantStatus, tt.wantOutput, budget)
		})
	}
}

// TestNewValidates: New rejects what Validate rejects, naming the field,
// rather than building a check that can only fail (issue 19).
func TestNewValidates(t *testing.T) {
	t.Parallel()
	for _, address := range []string{"", "db", "db:0", ":5432", "db:99999"} {
		if _, err := New(checks.Common{Name: "x"}, Spec{Address: address}, nil); !errors.Is(err, checks.ErrInvalid) || !strings.HasPrefix(err.Error(), "address: ") {
			t.Errorf("New(%q) error = %v; want the address field's problem", address, err)
		}
	}
}
