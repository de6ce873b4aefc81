package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/settings"
)

func TestPageRefresh(t *testing.T) {
	tests := []struct {
		value   string
		want    time.Duration
		wantErr bool
	}{
		{"", settings.DefaultPageRefresh, false},
		{"30s", 30 * time.Second, false},
		{"1m", time.Minute, false},
		{"0s", 0, false},
		{"1500ms", 0, true},
		{"-5s", 0, true},
		{"10", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			c, err := Load(env(map[string]string{"HEALTH_PAGE_REFRESH": tt.value}))
			if tt.wantErr {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != "HEALTH_PAGE_REFRESH" || !strings.Contains(err.Error(), tt.value) {
					t.Errorf("Load(HEALTH_PAGE_REFRESH=%q) error = %v; want a HEALTH_PAGE_REFRESH error quoting it", tt.value, err)
				}
				return
			}
			if err != nil || c.PageRefresh != tt.want {
				t.Errorf("Load(HEALTH_PAGE_REFRESH=%q) = %v, %v; want %v", tt.value, c.PageRefresh, err, tt.want)
			}
		})
	}
}
