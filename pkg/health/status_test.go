package health

import "testing"

func TestAggregate(t *testing.T) {
	res := func(s Status, critical bool) Result { return Result{Status: s, Optional: !critical} }
	tests := []struct {
		name    string
		results []Result
		want    Status
	}{
		{"no checks", nil, StatusPass},
		{"all pass", []Result{res(StatusPass, true), res(StatusPass, false)}, StatusPass},
		{"critical warn", []Result{res(StatusPass, true), res(StatusWarn, true)}, StatusWarn},
		{"non-critical warn", []Result{res(StatusWarn, false)}, StatusWarn},
		{"non-critical fail", []Result{res(StatusPass, true), res(StatusFail, false)}, StatusWarn},
		{"critical fail", []Result{res(StatusPass, true), res(StatusFail, true)}, StatusFail},
		{"critical fail beats warn", []Result{res(StatusWarn, false), res(StatusFail, true), res(StatusFail, false)}, StatusFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Aggregate(tt.results); got != tt.want {
				t.Errorf("Aggregate(%v) = %q; want %q", tt.results, got, tt.want)
			}
		})
	}
}
