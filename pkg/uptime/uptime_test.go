package uptime

import (
	"testing"
	"time"
)

// days returns one bucket per day of the strip at now, each of 1440 runs,
// with the failed runs of day i given by failed(i).
func days(now time.Time, failed func(i int) float64) []Bucket {
	out := make([]Bucket, StripDays)
	for i := range out {
		out[i] = Bucket{Start: Start(now).Add(time.Duration(i) * Day), Runs: 1440, Passed: 1440 - failed(i)}
	}
	return out
}

func floor6(v float64) float64 { return float64(int64(v*1e6+1e-9)) / 1e6 }

func TestNew(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 30, 0, 0, time.UTC)
	// 6 failed runs today, 60 three days ago, 120 twenty days ago.
	failures := map[int]float64{29: 6, 26: 60, 9: 120}
	maint := []time.Time{Start(now).Add(26*Day + 5*time.Hour), now.Add(-40 * Day), now.Add(time.Hour)}
	h := New(now, days(now, func(i int) float64 { return failures[i] }),
		map[string][]Bucket{"db": days(now, func(int) float64 { return 0 }), "idle": nil}, maint)

	if len(h.Days) != StripDays || !h.Days[0].End.Equal(time.Date(2026, 11, 8, 11, 0, 0, 0, time.UTC)) ||
		!h.Days[StripDays-1].End.Equal(time.Date(2026, 12, 7, 11, 0, 0, 0, time.UTC)) {
		t.Fatalf("days = %d, ending %v .. %v; want 30, the last ending at the next full hour", len(h.Days), h.Days[0].End, h.Days[len(h.Days)-1].End)
	}
	for i, d := range h.Days {
		if d.Maintenance != (i == 26) {
			t.Errorf("day %d (to %s) maintenance = %v; want %v", i, d.End, d.Maintenance, i == 26)
		}
	}
	tests := []struct {
		name string
		got  *float64
		want float64
	}{
		{"service 24h", h.Service.Last24h, 1 - 6.0/1440},           // 0.995833
		{"service 7d", h.Service.Last7d, 1 - 66.0/(7*1440)},        // 0.993452
		{"service 30d", h.Service.Last30d, 1 - 186.0/(30*1440)},    // 0.995694
		{"service 3 days ago", h.Service.Daily[26], 1 - 60.0/1440}, // 0.958333
		{"service 20 days ago", h.Service.Daily[9], 1 - 120.0/1440},
		{"db 30d", h.Checks["db"].Last30d, 1},
	}
	for _, tt := range tests {
		if tt.got == nil || *tt.got != floor6(tt.want) {
			t.Errorf("%s = %v; want %v", tt.name, tt.got, floor6(tt.want))
		}
	}
	idle := h.Checks["idle"]
	if idle.Last24h != nil || idle.Last30d != nil || len(idle.Daily) != StripDays || idle.Daily[0] != nil {
		t.Errorf("a check with no run = %+v; want no figure", idle)
	}
}

// TestNeverRoundsUpToOne: one failed run in 30 days of minutes is not 100%.
func TestNeverRoundsUpToOne(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	h := New(now, []Bucket{{Start: Start(now), Runs: 43200, Passed: 43199}}, nil, nil)
	if got := *h.Service.Last30d; got != 0.999976 {
		t.Errorf("Last30d = %v; want 0.999976", got)
	}
	h = New(now, []Bucket{{Start: Start(now).Add(29 * Day), Runs: 100, Passed: 29}}, nil, nil)
	if got := *h.Service.Last24h; got != 0.29 {
		t.Errorf("Last24h of 29/100 = %v; want 0.29", got)
	}
}

// TestBucketsOutsideTheStripAreIgnored: the future and the past beyond 30
// days count nowhere.
func TestBucketsOutsideTheStripAreIgnored(t *testing.T) {
	now := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	h := New(now, []Bucket{
		{Start: End(now), Runs: 60},
		{Start: Start(now).Add(-time.Second), Runs: 60},
		{Start: now.Add(-time.Hour), Runs: 60, Passed: 60},
	}, nil, nil)
	if *h.Service.Last30d != 1 || *h.Service.Last24h != 1 {
		t.Errorf("figures = %v, %v; want 1, 1", *h.Service.Last24h, *h.Service.Last30d)
	}
}
