package uptime

import (
	"math"
	"time"
)

// The windows of the figures, and the number of days in the strip.
const (
	Window24h = 24 * time.Hour
	Window7d  = 7 * 24 * time.Hour
	Window30d = 30 * 24 * time.Hour
	StripDays = 30
)

// Span is how far back the hourly buckets that New reads must reach from
// now: the 30-day window, which also covers the strip's first day.
const Span = Window30d

// Bucket is one hour of canary runs of one series: how many runs there were
// (CloudWatch's SampleCount of Success) and how many passed (its Sum).
type Bucket struct {
	// Start is the start of the hour, in UTC.
	Start  time.Time
	Runs   float64
	Passed float64
}

// History is the uptime of a service and of its checks at Time.
type History struct {
	// Time is when the history was read.
	Time time.Time `json:"time"`
	// Days are the strip's days, oldest first, the last one today (UTC).
	Days []Day `json:"days"`
	// Service is the service as a whole (the canary's run-level Success).
	Service Series `json:"service"`
	// Checks are the checks by name; a check with no run has no figure.
	Checks map[string]Series `json:"checks,omitempty"`
}

// Day is one day of the strip.
type Day struct {
	// Date is the UTC date, 2006-01-02.
	Date string `json:"date"`
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

// New computes the history at now from hourly buckets: those of the
// service, those of each check, and the starts of the hours in which the
// canary reported maintenance. The last 24 hours are the current hour and
// the 23 before it, and so on; days are UTC days, the last one today.
func New(now time.Time, service []Bucket, checks map[string][]Bucket, maintenance []time.Time) History {
	now = now.UTC()
	first := now.Truncate(24*time.Hour).AddDate(0, 0, -(StripDays - 1))
	h := History{Time: now, Days: make([]Day, StripDays)}
	for i := range h.Days {
		h.Days[i].Date = first.AddDate(0, 0, i).Format(time.DateOnly)
	}
	for _, at := range maintenance {
		if i := dayIndex(first, at); i >= 0 {
			h.Days[i].Maintenance = true
		}
	}
	h.Service = series(now, first, service)
	if len(checks) > 0 {
		h.Checks = make(map[string]Series, len(checks))
		for name, b := range checks {
			h.Checks[name] = series(now, first, b)
		}
	}
	return h
}

// dayIndex is the strip's index of the day of at, or -1 outside the strip.
func dayIndex(first, at time.Time) int {
	if at.Before(first) {
		return -1
	}
	i := int(at.Sub(first) / (24 * time.Hour))
	if i >= StripDays {
		return -1
	}
	return i
}

// series computes one series' figures from its buckets.
func series(now, first time.Time, buckets []Bucket) Series {
	hour := now.Truncate(time.Hour)
	type sum struct{ runs, passed float64 }
	var w24, w7, w30 sum
	days := make([]sum, StripDays)
	add := func(s *sum, b Bucket) { s.runs += b.Runs; s.passed += b.Passed }
	for _, b := range buckets {
		age := hour.Sub(b.Start.UTC())
		if age < 0 || b.Runs <= 0 {
			continue
		}
		if age < Window24h {
			add(&w24, b)
		}
		if age < Window7d {
			add(&w7, b)
		}
		if age < Window30d {
			add(&w30, b)
		}
		if i := dayIndex(first, b.Start.UTC()); i >= 0 {
			add(&days[i], b)
		}
	}
	share := func(s sum) *float64 {
		if s.runs <= 0 {
			return nil
		}
		v := math.Floor(s.passed/s.runs*1e6+1e-9) / 1e6
		v = math.Min(math.Max(v, 0), 1)
		return &v
	}
	out := Series{Last24h: share(w24), Last7d: share(w7), Last30d: share(w30), Daily: make([]*float64, StripDays)}
	for i, d := range days {
		out.Daily[i] = share(d)
	}
	return out
}
