package maintenance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestParseErrorsNameTheField(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"end before start", `[{"cron":"0 2 * * *","duration":"1h","reason":"x"},{"start":"2026-12-07T02:00:00Z","end":"2026-12-07T01:00:00Z","reason":"db"}]`, "[1].end: before start"},
		{"end equal to start", `[{"start":"2026-12-07T02:00:00Z","end":"2026-12-07T02:00:00Z","reason":"db"}]`, "[0].end: before start"},
		{"bad time", `[{"start":"2026-12-07 02:00","end":"2026-12-07T03:00:00Z","reason":"db"}]`, `[0].start: "2026-12-07 02:00" is not an RFC 3339 time`},
		{"missing end", `[{"start":"2026-12-07T02:00:00Z","reason":"db"}]`, "[0].end: is required"},
		{"missing reason", `[{"start":"2026-12-07T02:00:00Z","end":"2026-12-07T03:00:00Z"}]`, "[0].reason: is required"},
		{"unknown field", `[{"start":"2026-12-07T02:00:00Z","end":"2026-12-07T03:00:00Z","reason":"db","ends":"x"}]`, "[0].ends: unknown field"},
		{"case matters", `[{"Start":"2026-12-07T02:00:00Z","end":"2026-12-07T03:00:00Z","reason":"db"}]`, "[0].Start: unknown field"},
		{"duplicate field", `[{"start":"2026-12-07T02:00:00Z","end":"2026-12-07T03:00:00Z","end":"2026-12-07T04:00:00Z","reason":"db"}]`, "[0].end: duplicate field"},
		{"both kinds", `[{"start":"2026-12-07T02:00:00Z","end":"2026-12-07T03:00:00Z","cron":"0 2 * * *","reason":"db"}]`, "[0]: has start/end and cron/duration"},
		{"neither kind", `[{"reason":"db"}]`, "[0]: needs start and end, or cron and duration"},
		{"six fields", `[{"cron":"0 0 2 * * *","duration":"2h","reason":"db"}]`, `[0].cron: "0 0 2 * * *" is not a 5-field cron expression`},
		{"descriptor", `[{"cron":"@daily","duration":"2h","reason":"db"}]`, `[0].cron: "@daily" is not a 5-field`},
		{"time zone", `[{"cron":"TZ=Europe/Paris 0 2 * * *","duration":"2h","reason":"db"}]`, "[0].cron: \"TZ=Europe/Paris 0 2 * * *\": time zones are not supported"},
		{"time zone without spec", `[{"cron":"TZ=UTC","duration":"2h","reason":"db"}]`, "time zones are not supported"},
		{"never fires", `[{"cron":"0 0 30 2 *","duration":"2h","reason":"db"}]`, "[0].cron: \"0 0 30 2 *\" never fires"},
		{"bad duration", `[{"cron":"0 2 * * *","duration":"2 hours","reason":"db"}]`, `[0].duration: "2 hours" is not a positive Go duration`},
		{"long duration", `[{"cron":"0 2 * * *","duration":"745h","reason":"db"}]`, `[0].duration: "745h" is longer than 744h0m0s`},
		{"zero duration", `[{"cron":"0 2 * * *","duration":"0s","reason":"db"}]`, `[0].duration: "0s" is not a positive`},
		{"number for a string", `[{"cron":"0 2 * * *","duration":7200,"reason":"db"}]`, "[0].duration: must be a string"},
		{"not an array", `{"start":"x"}`, ": must be a JSON array of windows"},
		{"not JSON", `[{`, ": invalid JSON at byte"},
		{"not an object", `[1]`, "[0]: must be a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.raw)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse(%s) = %v; want an error containing %q", tt.raw, err, tt.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("Parse(%s) error %T is no *FieldError", tt.raw, err)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := Parse(`[{"start":"x","end":"y","reason":"a"},{"cron":"0 2 * * *","reason":"b"}]`)
	for _, want := range []string{"[0].start:", "[0].end:", "[1].duration: is required"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse() = %v; want %q in it", err, want)
		}
	}
}

func TestParseEmpty(t *testing.T) {
	for _, raw := range []string{"", " ", "[]"} {
		if w, err := Parse(raw); err != nil || len(w) != 0 {
			t.Errorf("Parse(%q) = %v, %v; want no window", raw, w, err)
		}
	}
}

func mustParse(t *testing.T, raw string) []Window {
	t.Helper()
	w, err := Parse(raw)
	if err != nil {
		t.Fatalf("Parse(%s): %v", raw, err)
	}
	return w
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestActive(t *testing.T) {
	windows := mustParse(t, `[
		{"start":"2026-12-07T00:00:00+01:00","end":"2026-12-07T02:00:00Z","reason":"database upgrade"},
		{"cron":"0 3 * * 0","duration":"2h","reason":"weekly patching"},
		{"cron":"0 * * * *","duration":"90m","reason":"hourly overlap"},
		{"cron":"0 0 1 1 *","duration":"24h","reason":"new year"}
	]`)
	tests := []struct {
		now     string
		reason  string
		until   string
		onlyOne []Window
	}{
		{now: "2026-12-06T22:59:59Z", onlyOne: windows[:1]},
		{now: "2026-12-06T23:00:00Z", reason: "database upgrade", until: "2026-12-07T02:00:00Z", onlyOne: windows[:1]},
		{now: "2026-12-07T01:59:59Z", reason: "database upgrade", until: "2026-12-07T02:00:00Z", onlyOne: windows[:1]},
		{now: "2026-12-07T02:00:00Z", onlyOne: windows[:1]},
		// 2026-12-06 is a Sunday.
		{now: "2026-12-06T02:59:59Z", onlyOne: windows[1:2]},
		{now: "2026-12-06T03:00:00Z", reason: "weekly patching", until: "2026-12-06T05:00:00Z", onlyOne: windows[1:2]},
		{now: "2026-12-06T04:59:59Z", reason: "weekly patching", until: "2026-12-06T05:00:00Z", onlyOne: windows[1:2]},
		{now: "2026-12-06T05:00:00Z", onlyOne: windows[1:2]},
		{now: "2026-12-07T04:00:00Z", onlyOne: windows[1:2]}, // a Monday
		// Of overlapping activations, the latest that covers now gives until.
		{now: "2026-12-07T04:10:00Z", reason: "hourly overlap", until: "2026-12-07T05:30:00Z", onlyOne: nil},
		{now: "2026-12-07T04:00:00Z", reason: "hourly overlap", until: "2026-12-07T05:30:00Z", onlyOne: nil},
		{now: "2026-12-07T03:59:59Z", reason: "hourly overlap", until: "2026-12-07T04:30:00Z", onlyOne: nil},
		// The windows ending last wins.
		{now: "2026-12-07T01:00:00Z", reason: "database upgrade", until: "2026-12-07T02:00:00Z", onlyOne: []Window{windows[0], windows[3]}},
		{now: "2027-01-01T12:00:00+05:00", reason: "new year", until: "2027-01-02T00:00:00Z", onlyOne: []Window{windows[0], windows[3]}},
	}
	for _, tt := range tests {
		ws := tt.onlyOne
		if ws == nil {
			ws = windows[2:3]
		}
		w, until, ok := active(ws, at(tt.now))
		if ok != (tt.reason != "") || w.Reason != tt.reason || (ok && !until.Equal(at(tt.until))) {
			t.Errorf("active(%s) = %q, %v, %v; want %q until %s", tt.now, w.Reason, until, ok, tt.reason, tt.until)
		}
	}
}

func TestMonitorNotes(t *testing.T) {
	windows := mustParse(t, `[{"start":"2026-12-07T00:00:00Z","end":"2026-12-07T02:00:00Z","reason":"database upgrade"}]`)
	now := at("2026-12-07T01:00:00Z")
	clock := func() time.Time { return now }
	switchOn, switchErr := false, error(nil)
	var sawDeadline bool
	sw := func(ctx context.Context) (bool, error) {
		_, sawDeadline = ctx.Deadline()
		return switchOn, switchErr
	}
	m := NewMonitor(windows, WithClock(clock), WithSwitch(sw))
	want := []string{"maintenance until 2026-12-07T02:00:00Z: database upgrade"}
	if got := m.Notes(context.Background()); !slices.Equal(got, want) {
		t.Errorf("Notes() = %q; want %q", got, want)
	}
	if !sawDeadline {
		t.Error("the switch was read without a deadline")
	}
	switchOn = true
	want = append(want, "maintenance: "+AdHocReason)
	if got := m.Notes(context.Background()); !slices.Equal(got, want) {
		t.Errorf("Notes() with the switch on = %q; want %q", got, want)
	}
	now = at("2026-12-07T02:00:00Z")
	if got := m.Notes(context.Background()); !slices.Equal(got, want[1:]) {
		t.Errorf("Notes() after the window, switch on = %q; want %q", got, want[1:])
	}
	switchErr = errors.New("timeout")
	if got := m.Notes(context.Background()); got != nil || m.InMaintenance(context.Background()) {
		t.Errorf("Notes() with an unreadable switch = %q; want none", got)
	}
	if got := NewMonitor(nil).Notes(context.Background()); got != nil {
		t.Errorf("Notes() of no window and no switch = %q; want nil", got)
	}
}

// TestFormatRoundTrips: Format writes what Parse reads back to the same
// windows, and nothing for none.
func TestFormatRoundTrips(t *testing.T) {
	start := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	in := []Window{
		{Start: start, End: start.Add(2 * time.Hour), Reason: "database upgrade"},
		{Cron: "0 3 * * 0", Duration: 90 * time.Minute, Reason: "weekly patching"},
	}
	raw, err := Format(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Parse(raw)
	if err != nil || len(out) != 2 {
		t.Fatalf("Parse(Format(windows)) = %v, %v; want 2 windows (%s)", out, err, raw)
	}
	for i := range in {
		got, want := out[i], in[i]
		if !got.Start.Equal(want.Start) || !got.End.Equal(want.End) || got.Cron != want.Cron ||
			got.Duration != want.Duration || got.Reason != want.Reason {
			t.Errorf("window %d = %+v; want %+v (%s)", i, got, want, raw)
		}
	}
	if raw, err := Format(nil); raw != "" || err != nil {
		t.Errorf("Format(nil) = %q, %v; want \"\", nil", raw, err)
	}
}

// TestSwitchTimeout: a switch that does not answer counts as off once the
// switch timeout has passed, DefaultSwitchTimeout unless WithSwitchTimeout
// says otherwise (on a synctest clock, so the times are exact).
func TestSwitchTimeout(t *testing.T) {
	hung := func(ctx context.Context) (bool, error) { <-ctx.Done(); return true, ctx.Err() }
	for _, tt := range []struct {
		opts []Option
		want time.Duration
	}{{nil, DefaultSwitchTimeout}, {[]Option{WithSwitchTimeout(3 * time.Second)}, 3 * time.Second}} {
		synctest.Test(t, func(t *testing.T) {
			m := NewMonitor(nil, append(tt.opts, WithSwitch(hung))...)
			start := time.Now()
			if m.InMaintenance(context.Background()) {
				t.Error("InMaintenance with a hung switch = true; want false")
			}
			if got := time.Since(start); got != tt.want {
				t.Errorf("a hung switch was given %v; want %v", got, tt.want)
			}
		})
	}
}

// TestParseRefusesMoreThanMaxBytes: HEALTH_MAINTENANCE longer than
// MaxBytes is refused, saying why; MaxBytes itself is read.
func TestParseRefusesMoreThanMaxBytes(t *testing.T) {
	window := `{"start":"2026-12-07T00:00:00Z","end":"2026-12-07T02:00:00Z","reason":"%s"},`
	fill := func(n int) string {
		raw := "[" + fmt.Sprintf(window, "x")
		raw = raw[:len(raw)-1] + "]"
		pad := n - len(raw)
		return strings.Replace(raw, `"x"`, `"`+strings.Repeat("x", pad+1)+`"`, 1)
	}
	if raw := fill(MaxBytes); len(raw) != MaxBytes {
		t.Fatalf("fill made %d bytes", len(raw))
	} else if _, err := Parse(raw); err != nil {
		t.Errorf("Parse(%d bytes) = %v; want it read", len(raw), err)
	}
	_, err := Parse(fill(MaxBytes + 1))
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("is %d bytes, more than %d", MaxBytes+1, MaxBytes)) {
		t.Errorf("Parse(%d bytes) = %v; want it refused naming the size", MaxBytes+1, err)
	}
}
