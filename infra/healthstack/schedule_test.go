package healthstack

import (
	"strings"
	"testing"
	"time"
)

func TestCanaryInterval(t *testing.T) {
	for _, tt := range []struct {
		schedule string
		want     time.Duration
		problem  string // in the error; "" means no error
	}{
		{"rate(1 minute)", time.Minute, ""},
		{"rate(2 minutes)", 2 * time.Minute, ""},
		{"rate(5 minutes)", 5 * time.Minute, ""},
		{"rate(288 minutes)", 288 * time.Minute, ""},
		{"rate(1 hour)", time.Hour, ""},
		{"rate(4 hours)", 4 * time.Hour, ""},
		{"rate(289 minutes)", 0, "at most 4h48m0s"},
		{"rate(5 hours)", 0, "at most 4h48m0s"},
		{"rate(1 day)", 0, "not a cron expression"},
		{"cron(0/5 * * * ? *)", 0, "not a cron expression"},
		{"rate(5 minute)", 0, "singular unit for 1"},
		{"rate(1 minutes)", 0, "singular unit for 1"},
		{"rate(0 minutes)", 0, "rate(N minutes)"},
		{"", 0, "rate(N minutes)"},
	} {
		got, err := CanaryInterval(tt.schedule)
		switch {
		case tt.problem == "" && err != nil:
			t.Errorf("CanaryInterval(%q) error %v; want %v", tt.schedule, err, tt.want)
		case tt.problem == "" && got != tt.want:
			t.Errorf("CanaryInterval(%q) = %v; want %v", tt.schedule, got, tt.want)
		case tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)):
			t.Errorf("CanaryInterval(%q) error %v; want one saying %q", tt.schedule, err, tt.problem)
		}
	}
}

// With a 5-minute canary, no alarm on its metrics has a period under 300 s
// (the SAM template's side is in infra/parity, test_alarm_periods_follow_schedule).
func TestAlarmPeriodsFollowSchedule(t *testing.T) {
	for _, tt := range []struct {
		schedule              string
		success, errorsPeriod float64
	}{
		{"rate(1 minute)", 60, 300},
		{"rate(5 minutes)", 300, 300},
		{"rate(10 minutes)", 600, 600},
		{"rate(2 hours)", 7200, 7200},
	} {
		t.Run(tt.schedule, func(t *testing.T) {
			p := fullProps()
			p.CanarySchedule = tt.schedule
			tmpl := synth(t, p)
			for id, r := range resources(tmpl, "AWS::CloudWatch::Alarm") {
				props := r["Properties"].(map[string]any)
				want := tt.success
				if props["MetricName"] == "Errors" {
					want = tt.errorsPeriod
				}
				if got := props["Period"]; got != want {
					t.Errorf("%s Period = %v; want %v", id, got, want)
				}
				if got := props["EvaluationPeriods"]; got != float64(AlarmEvaluationPeriods) && props["MetricName"] == "Success" {
					t.Errorf("%s EvaluationPeriods = %v; want %d", id, got, AlarmEvaluationPeriods)
				}
			}
		})
	}
}

func TestUnsupportedScheduleRefusedAtSynth(t *testing.T) {
	p := fullProps()
	p.CanarySchedule = "cron(0/5 * * * ? *)"
	err := p.Validate()
	if err == nil || !strings.Contains(err.Error(), "HealthProps.CanarySchedule: ") {
		t.Fatalf("Validate() = %v; want a CanarySchedule error", err)
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("NewHealthStack with a cron schedule did not panic")
		}
	}()
	synth(t, p)
}
