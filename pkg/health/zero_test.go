package health

import (
	"context"
	"errors"
	"testing"
)

// TestZeroValueCheckIsCritical: a Go Check that says nothing about it is
// critical, as a JSON check without "critical" is (issue 12: a CLI that
// forgot Critical: true exited 0 with its only dependency down).
func TestZeroValueCheckIsCritical(t *testing.T) {
	down := func(context.Context) (Observation, error) { return Observation{}, errors.New("refused") }
	c := mustChecker(t, []Check{{Name: "db", Probe: down}}, WithCacheTTL(0))
	if rep := c.Ready(context.Background()); rep.Status != StatusFail || len(rep.Results) != 1 || rep.Results[0].Optional {
		t.Errorf("Ready = %+v; want fail from the one critical check", rep)
	}
	if rep := c.All(context.Background()); rep.Status != StatusFail {
		t.Errorf("All = %q; want fail", rep.Status)
	}
	opt := mustChecker(t, []Check{{Name: "db", Probe: down, Optional: true}}, WithCacheTTL(0))
	if rep := opt.All(context.Background()); rep.Status != StatusWarn {
		t.Errorf("All with an optional failing check = %q; want warn", rep.Status)
	}
}

// TestUnknownObservationStatusFails: a status the engine does not know is
// not a pass (issue 12: Observation{Status: "WARN"} silently passed).
func TestUnknownObservationStatusFails(t *testing.T) {
	tests := []struct {
		status     Status
		want       Status
		wantOutput string
	}{
		{"", StatusPass, ""},
		{StatusPass, StatusPass, ""},
		{StatusWarn, StatusWarn, "degraded"},
		{StatusFail, StatusFail, "degraded"},
		{"WARN", StatusFail, ClassInvalidStatus},
		{"ok", StatusFail, ClassInvalidStatus},
	}
	for _, tt := range tests {
		c := mustChecker(t, []Check{{Name: "q", Probe: func(context.Context) (Observation, error) {
			return Observation{Status: tt.status, Output: "degraded"}, nil
		}}}, WithCacheTTL(0))
		res, err := c.One(context.Background(), "q")
		if err != nil || res.Status != tt.want || res.Output != tt.wantOutput {
			t.Errorf("Observation{Status: %q} = %q %q, %v; want %q %q", tt.status, res.Status, res.Output, err, tt.want, tt.wantOutput)
		}
	}
}

// TestPingTakesPingContextAsIs: a func(ctx) error such as db.PingContext
// is a probe without a closure (issue 12).
func TestPingTakesPingContextAsIs(t *testing.T) {
	var db struct{ fail bool }
	pingContext := func(ctx context.Context) error {
		if db.fail {
			return WithClass(ClassRefused, errors.New("dial tcp 10.0.0.1:5432: refused"))
		}
		return ctx.Err()
	}
	c := mustChecker(t, []Check{{Name: "db", Probe: Ping(pingContext)}}, WithCacheTTL(0))
	if res, _ := c.One(context.Background(), "db"); res.Status != StatusPass || res.ObservedUnit != "ms" {
		t.Errorf("healthy ping = %+v; want pass timed in ms", res)
	}
	db.fail = true
	if res, _ := c.One(context.Background(), "db"); res.Status != StatusFail || res.Output != ClassRefused {
		t.Errorf("failing ping = %q %q; want fail %q", res.Status, res.Output, ClassRefused)
	}
}
