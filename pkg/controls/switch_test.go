package controls

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

func TestSwitchValues(t *testing.T) {
	tests := []struct {
		value                string
		drain, inMaintenance bool
	}{
		{"drain", true, false},
		{"maintenance", false, true},
		{" Maintenance\n", false, true},
		{"serve", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		s := NewSwitch(param(tt.value), "/orders/drain", 0)
		drain, err1 := s.Drain(context.Background())
		m, err2 := s.Maintenance(context.Background())
		if drain != tt.drain || m != tt.inMaintenance || err1 != nil || err2 != nil {
			t.Errorf("value %q: Drain, Maintenance = %v (%v), %v (%v); want %v, %v", tt.value, drain, err1, m, err2, tt.drain, tt.inMaintenance)
		}
		if got, _ := Drain(param(tt.value), "/orders/drain")(context.Background()); got != tt.drain {
			t.Errorf("value %q: Drain() = %v; want %v (maintenance does not drain)", tt.value, got, tt.drain)
		}
	}
}

// TestSwitchReusesReads: Maintenance reuses the last read, its own or
// Drain's, for the TTL, and reads again after it (an injected clock).
func TestSwitchReusesReads(t *testing.T) {
	value, calls := "maintenance", 0
	var fail error
	api := fakeSSM{getParameter: func(_ context.Context, in *ssm.GetParameterInput) (*ssm.GetParameterOutput, error) {
		calls++
		if fail != nil {
			return nil, fail
		}
		return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Name: in.Name, Value: aws.String(value)}}, nil
	}}
	now := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	s := NewSwitch(api, "/orders/drain", 5*time.Second)
	s.now = func() time.Time { return now }
	ctx := context.Background()
	if _, _ = s.Drain(ctx); calls != 1 {
		t.Fatalf("Drain made %d calls; want 1", calls)
	}
	if m, err := s.Maintenance(ctx); !m || err != nil || calls != 1 {
		t.Errorf("Maintenance after Drain = %v, %v with %d calls; want true from Drain's read", m, err, calls)
	}
	value = "serve"
	now = now.Add(4 * time.Second)
	if m, _ := s.Maintenance(ctx); !m || calls != 1 {
		t.Errorf("Maintenance within the TTL = %v with %d calls; want the remembered true", m, calls)
	}
	now = now.Add(time.Second)
	if m, _ := s.Maintenance(ctx); m || calls != 2 {
		t.Errorf("Maintenance after the TTL = %v with %d calls; want a new read, false", m, calls)
	}
	now = now.Add(5 * time.Second)
	fail = errors.New("connection refused")
	if m, err := s.Maintenance(ctx); m || err == nil {
		t.Errorf("Maintenance with SSM down = %v, %v; want false and an error", m, err)
	}
}
