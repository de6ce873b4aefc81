package uptime

import (
	"math"
	"time"
)

// Day is the length of one bar of the strip, and of the shortest window.
const Day = 24 * time.Hour

// The windows of the figures, in days, and the number of days in the strip
// (the longest window).
const (
	Window24h = 1
	Window7d  = 7
	Window30d = 30
	StripDays = Window30d
)

// End is the end of the history at now: the next full hour, so that the
// last day is the current hour and the 23 before it.
func End(now time.Time) time.Time { return now.UTC().Truncate(time.Hour).Add(time.Hour) }

// Start is the start of the history at now: StripDays days before End.
func Start(now time.Time) time.Time { return End(now).Add(-StripDays * Day) }

// Bucket is one day of canary runs of one series: how many runs there were
// (CloudWatch's SampleCount of Success) and how many passed (its Sum).
type Bucket struct {
	// Start is the start of the day, Start(now) plus a whole number of
	// days; a bucket that starts within a day counts in that day.
	Start  time.Time
	Runs   float64
	Passed float64
}

// History is the uptime of a service and of its checks at Time.
type History struct {
	// Time is when the history was read.
	Time time.Time `json:"time"`
	// Days are the strip's days, oldest first: 24 hours each, the last one
	// ending at End(Time).
	Days []Strip `json:"days"`
	// Service is the service as a whole (the canary's run-level Success).
	Service Series `json:"service"`
	// Checks are the checks by name; a check with no run has no figure.
	Checks map[string]Series `json:"checks,omitempty"`
}

// Strip is one day (24 hours) of the strip.
type Strip struct {
	// End is when the day ends, on a full hour (UTC).
	End time.Time `json:"end"`
	// Maintenance reports that the canary said InMaintenance = 1 at least
	// once that day.
	Maintenance bool `json:"maintenance,omitempty"`
}

// Series is the uptime of the service or of one check: each figure is the
// share of runs that passed, from 0 to 1, rounded down to 6 decimals so
// that a run that failed never shows as 1; nil when there was no run.
type Series struct {
	Last24h *float64 `json:"last24h"`
	Last7d  *float64 `json:"last7d"`
	Last30d *float64 `json:"last30d"`
	// Daily holds one figure per day of History.Days.
	Daily []*float64 `json:"daily"`
}

// New computes the history at now from daily buckets: those of the
// service, those of each check, and the starts of the days in which the
// canary reported maintenance. Buckets outside [Start(now), End(now)) count
// nowhere.
func New(now time.Time, service []Bucket, checks map[string][]Bucket, maintenance []time.Time) History {
	first := Start(now)
	h := History{Time: now.UTC(), Days: make([]Strip, StripDays)}
	for i := range h.Days {
		h.Days[i].End = first.Add(time.Duration(i+1) * Day)
	}
	for _, at := range maintenance {
		if i := dayIndex(first, at); i >= 0 {
			h.Days[i].Maintenance = true
		}
	}
	h.Service = series(first, service)
	if len(checks) > 0 {
		h.Checks = make(map[string]Series, len(checks))
		for name, b := range checks {
			h.Checks[name] = series(first, b)
		}
	}
	return h
}

// dayIndex is the strip's index of the day of at, or -1 outside the strip.
func dayIndex(first, at time.Time) int {
	if at.Before(first) {
		return -1
	}
	if i := int(at.Sub(first) / Day); i < StripDays {
		return i
	}
	return -1
}

// series computes one series' figures from its buckets.
func series(first time.Time, buckets []Bucket) Series {
	type sum struct{ runs, passed float64 }
	days := make([]sum, StripDays)
	for _, b := range buckets {
		if i := dayIndex(first, b.Start); i >= 0 && b.Runs > 0 {
			days[i].runs += b.Runs
			days[i].passed += b.Passed
		}
	}
	last := func(n int) *float64 {
		var s sum
		for _, d := range days[StripDays-n:] {
			s.runs += d.runs
			s.passed += d.passed
		}
		return share(s.passed, s.runs)
	}
	out := Series{Last24h: last(Window24h), Last7d: last(Window7d), Last30d: last(Window30d), Daily: make([]*float64, StripDays)}
	for i, d := range days {
		out.Daily[i] = share(d.passed, d.runs)
	}
	return out
}

// share is passed/runs rounded down to 6 decimals, nil without a run.
func share(passed, runs float64) *float64 {
	if runs <= 0 {
		return nil
	}
	v := math.Min(math.Max(math.Floor(passed/runs*1e6+1e-9)/1e6, 0), 1)
	return &v
}
