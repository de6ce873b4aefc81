package health

import (
	"context"
	"errors"
	"regexp"
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

// TestValidNameIsNameRule holds ValidName to NameRule written as the
// regular expression it replaced.
func TestValidNameIsNameRule(t *testing.T) {
	rule := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	names := []string{"", "a", "Z", "0", "orders-db", "orders_db.v2", "-x", ".x", "_x", "a-", "a b", "a/b", "é", "aé",
		strings.Repeat("a", 63), strings.Repeat("a", 64), strings.Repeat("a", 65), "a\n", "a\x00", "A" + strings.Repeat(".", 63)}
	for c := 0; c < 256; c++ {
		names = append(names, string([]byte{byte(c)}), "a"+string([]byte{byte(c)}))
	}
	for _, n := range names {
		if got, want := ValidName(n), rule.MatchString(n); got != want {
			t.Errorf("ValidName(%q) = %v; want %v", n, got, want)
		}
	}
}

func FuzzValidName(f *testing.F) {
	rule := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	f.Add("orders-db")
	f.Fuzz(func(t *testing.T, n string) {
		if got, want := ValidName(n), rule.MatchString(n); got != want {
			t.Errorf("ValidName(%q) = %v; want %v", n, got, want)
		}
	})
}
