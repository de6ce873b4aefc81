package config

import (
	"errors"
	"strings"
	"testing"
)

// TestTokenWithSurroundingSpaceIsRejected: a bearer header cannot carry a
// token's surrounding whitespace or control characters (the handler trims
// the header's token), so such a HEALTH_TOKEN would never match. It is
// rejected at start-up, naming the field and not quoting the value.
func TestTokenWithSurroundingSpaceIsRejected(t *testing.T) {
	tests := []struct {
		token   string
		wantErr bool
	}{
		{"s3cr3t-token", false},
		{"s3cr3t token", false}, // inner space: "Bearer s3cr3t token" carries it
		{" s3cr3t-token", true},
		{"s3cr3t-token\n", true},
		{"\ts3cr3t-token ", true},
		{"s3cr3t\x00token", true},
		{"s3cr3t\ntoken", true},
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			_, err := Load(func(k string) string { return map[string]string{"HEALTH_TOKEN": tt.token}[k] })
			if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, ErrInvalid)) {
				t.Fatalf("Load(HEALTH_TOKEN=%q) error = %v; want error %v", tt.token, err, tt.wantErr)
			}
			if err != nil && (!strings.Contains(err.Error(), "HEALTH_TOKEN:") || strings.Contains(err.Error(), "s3cr3t")) {
				t.Errorf("error %q; want it to name HEALTH_TOKEN without quoting the token", err)
			}
		})
	}
}
