package config

import (
	"errors"
	"strings"
	"testing"
)

func TestMaintenance(t *testing.T) {
	c, err := Load(env(map[string]string{EnvMaintenance: `[
		{"start":"2026-12-07T00:00:00Z","end":"2026-12-07T02:00:00Z","reason":"database upgrade"},
		{"cron":"0 3 * * 0","duration":"2h","reason":"weekly patching"}]`}))
	if err != nil || len(c.Maintenance) != 2 || c.Maintenance[1].Reason != "weekly patching" {
		t.Fatalf("Load() = %+v, %v; want two windows", c.Maintenance, err)
	}
	_, err = Load(env(map[string]string{"HEALTH_BUDGET": "x", EnvMaintenance: `[
		{"cron":"0 3 * * 0","duration":"2h","reason":"weekly patching"},
		{"start":"2026-12-07T02:00:00Z","end":"2026-12-07T01:00:00Z","reason":"db","Reason":"x"}]`}))
	for _, want := range []string{"HEALTH_BUDGET:", "HEALTH_MAINTENANCE[1].Reason: unknown field"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load() = %v; want %q in it", err, want)
		}
	}
	_, err = Load(env(map[string]string{EnvMaintenance: `[{"start":"2026-12-07T02:00:00Z","end":"2026-12-07T01:00:00Z","reason":"db"}]`}))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Error() != "HEALTH_MAINTENANCE[0].end: before start" || !errors.Is(err, ErrInvalid) {
		t.Errorf("Load() = %v; want the FieldError HEALTH_MAINTENANCE[0].end: before start", err)
	}
}
