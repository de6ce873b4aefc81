package health

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestNewCheckerRejectsUnroutableNames: a name /health/checks/{name} could
// never reach (or a metric dimension could not carry) fails at start-up
// with the rule in the error, not as a check nobody can query.
func TestNewCheckerRejectsUnroutableNames(t *testing.T) {
	probe := func(context.Context) (Observation, error) { return Observation{}, nil }
	tests := []struct {
		name    string
		wantErr bool
	}{
		{"orders-db", false},
		{"db.primary_1", false},
		{"a/b", true},
		{"has space", true},
		{"-leading-dash", true},
		{"%2F", true},
		{strings.Repeat("x", 64), false},
		{strings.Repeat("x", 65), true},
	}
	for _, tt := range tests {
		_, err := NewChecker([]Check{{Name: tt.name, Probe: probe}})
		if got := err != nil; got != tt.wantErr {
			t.Errorf("NewChecker(name %q) error = %v; want error %v", tt.name, err, tt.wantErr)
		}
		if err != nil && (!errors.Is(err, ErrInvalidCheck) || !strings.Contains(err.Error(), NameRule)) {
			t.Errorf("NewChecker(name %q) error = %v; want ErrInvalidCheck stating %q", tt.name, err, NameRule)
		}
	}
}
