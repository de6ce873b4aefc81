package checktest

import (
	"context"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// recorder is a testing.TB that records Errorf instead of failing.
type recorder struct {
	testing.TB
	errors int
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.errors++ }

// TestExpectAnswerTime: Expect forgives the scheduler's measured delay, up
// to MaxLate, and nothing else.
func TestExpectAnswerTime(t *testing.T) {
	const budget = 500 * time.Millisecond
	tests := []struct {
		name          string
		elapsed, late time.Duration
		wantErr       bool
	}{
		{"inside budget", 300 * time.Millisecond, 0, false},
		{"at budget + slack", budget + Slack, 0, false},
		{"past budget + slack, timer on time", budget + Slack + 50*time.Millisecond, 0, true},
		{"past budget + slack, timer as late", budget + Slack + 180*time.Millisecond, 180 * time.Millisecond, false},
		{"later than the timer's delay explains", budget + Slack + 180*time.Millisecond, 20 * time.Millisecond, true},
		{"delay past MaxLate is not forgiven", budget + Slack + 3*time.Second, 3 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			o := Outcome{Result: health.Result{Status: health.StatusPass}, Elapsed: tt.elapsed, Late: tt.late}
			Expect(r, o, health.StatusPass, "", budget)
			if got := r.errors > 0; got != tt.wantErr {
				t.Errorf("Expect(elapsed %v, late %v) reported an error = %v; want %v", tt.elapsed, tt.late, got, tt.wantErr)
			}
		})
	}
}

// TestRunDoesNotWaitForTheTimer: a run answered early neither waits for
// its reference timer nor reports lateness.
func TestRunDoesNotWaitForTheTimer(t *testing.T) {
	const budget = 10 * time.Second
	check := health.Check{Name: "up", Probe: func(context.Context) (health.Observation, error) {
		return health.Observation{}, nil
	}}
	o := Run(t, check, budget)
	if o.Elapsed >= budget || o.Late != 0 {
		t.Errorf("Run = elapsed %v, late %v; want well under %v and no lateness", o.Elapsed, o.Late, budget)
	}
	Expect(t, o, health.StatusPass, "", budget)
}
