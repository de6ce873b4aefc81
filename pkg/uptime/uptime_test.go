package uptime

import (
	"testing"
	"time"
)

// hours returns one bucket per hour from start, each of 60 runs, with the
// failed runs of hour i given by failed(i).
func hours(start time.Time, n int, failed func(i int) float64) []Bucket {
	out := make([]Bucket, n)
	for i := range out {
		out[i] = Bucket{Start: start.Add(time.Duration(i) * time.Hour), Runs: 60, Passed: 60 - failed(i)}
	}
	return out
}

func TestNew(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 30, 0, 0, time.UTC)
	start := now.Truncate(time.Hour).Add(-(Span - time.Hour)) // 720 hours, the last one the current
	// 6 failed runs 2 hours ago, 60 (a whole hour) 3 days ago, 120 twenty days ago.
	failures := map[int]float64{719 - 2: 6, 719 - 72: 60, 719 - 480: 60, 719 - 481: 60}
	svc := hours(start, 720, func(i int) float64 { return failures[i] })
	maint := []time.Time{now.Add(-72 * time.Hour).Truncate(time.Hour), now.Add(-40 * 24 * time.Hour)}
	h := New(now, svc, map[string][]Bucket{"db": hours(start, 720, func(int) float64 { return 0 }), "idle": nil}, maint)

	if len(h.Days) != StripDays || h.Days[0].Date != "2026-11-08" || h.Days[StripDays-1].Date != "2026-12-07" {
		t.Fatalf("days = %d, %v .. %v; want 30 from 2026-11-08 to 2026-12-07", len(h.Days), h.Days[0], h.Days[len(h.Days)-1])
	}
	for i, d := range h.Days {
		if want := d.Date == "2026-12-04"; d.Maintenance != want {
			t.Errorf("day %d (%s) maintenance = %v; want %v", i, d.Date, d.Maintenance, want)
		}
	}
	tests := []struct {
		name string
		got  *float64
		want float64
	}{
		{"service 24h", h.Service.Last24h, 1 - 6.0/1440},              // 0.995833
		{"service 7d", h.Service.Last7d, 1 - 66.0/(168*60)},           // 0.993452
		{"service 30d", h.Service.Last30d, 1 - 186.0/(720*60)},        // 0.995694
		{"service today", h.Service.Daily[29], 1 - 6.0/(11*60)},       // 11 hours so far
		{"service 2026-12-04", h.Service.Daily[26], 1 - 60.0/(24*60)}, // the whole hour 3 days ago
		{"service 2026-11-17", h.Service.Daily[9], 1 - 120.0/(24*60)}, // 20 days ago
		{"db 30d", h.Checks["db"].Last30d, 1},
	}
	for _, tt := range tests {
		if tt.got == nil {
			t.Errorf("%s = nil; want %f", tt.name, tt.want)
			continue
		}
		want := float64(int64(tt.want*1e6)) / 1e6
		if *tt.got != want {
			t.Errorf("%s = %v; want %v", tt.name, *tt.got, want)
		}
	}
	// The strip's first day began 29 days before today: the hours before
	// it count in the 30-day figure only.
	if h.Service.Daily[0] == nil || *h.Service.Daily[0] != 1 {
		t.Errorf("first day = %v; want 1", h.Service.Daily[0])
	}
	idle := h.Checks["idle"]
	if idle.Last24h != nil || idle.Last30d != nil || len(idle.Daily) != StripDays || idle.Daily[0] != nil {
		t.Errorf("a check with no run = %+v; want no figure", idle)
	}
}

// TestNeverRoundsUpToOne: one failed run in 30 days of minutes is not 100%.
func TestNeverRoundsUpToOne(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	h := New(now, []Bucket{{Start: now, Runs: 43200, Passed: 43199}}, nil, nil)
	if got := *h.Service.Last30d; got >= 1 || got != 0.999976 {
		t.Errorf("Last30d = %v; want 0.999976", got)
	}
	h = New(now, []Bucket{{Start: now, Runs: 100, Passed: 29}}, nil, nil)
	if got := *h.Service.Last24h; got != 0.29 {
		t.Errorf("Last24h of 29/100 = %v; want 0.29", got)
	}
}

// TestBucketsOutsideTheWindowsAreIgnored: the future and the past beyond 30
// days count nowhere.
func TestBucketsOutsideTheWindowsAreIgnored(t *testing.T) {
	now := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	h := New(now, []Bucket{
		{Start: now.Add(time.Hour), Runs: 60},
		{Start: now.Add(-Span), Runs: 60},
		{Start: now.Add(-time.Hour), Runs: 60, Passed: 60},
	}, nil, nil)
	if *h.Service.Last30d != 1 || *h.Service.Last24h != 1 {
		t.Errorf("figures = %v, %v; want 1, 1", *h.Service.Last24h, *h.Service.Last30d)
	}
}
