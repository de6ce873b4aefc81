package health

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Issue 19, bug 1: an observed value JSON cannot carry is dropped, the
// output says why, and the status stays what it was.
func TestUnencodableObservedValueIsDropped(t *testing.T) {
	tests := []struct {
		name  string
		value any
		want  string
	}{
		{"NaN", math.NaN(), "observed value dropped: NaN is not a JSON number"},
		{"+Inf", math.Inf(1), "observed value dropped: +Inf is not a JSON number"},
		{"-Inf float32", float32(math.Inf(-1)), "observed value dropped: -Inf is not a JSON number"},
		{"channel", make(chan int), "observed value dropped: a chan int cannot be encoded as JSON"},
		{"map with NaN", map[string]float64{"free": math.NaN()}, "observed value dropped: a map[string]float64 cannot be encoded as JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, status := range []Status{StatusPass, StatusWarn} {
				probe := func(context.Context) (Observation, error) {
					return Observation{Value: tt.value, Unit: "ratio", Status: status, Output: map[Status]string{StatusWarn: "low"}[status]}, nil
				}
				c := mustChecker(t, []Check{{Name: "disk", Probe: probe}}, WithCacheTTL(0))
				r, _ := c.One(context.Background(), "disk")
				if r.Status != status || r.ObservedValue != nil || r.ObservedUnit != "" || !strings.HasSuffix(r.Output, tt.want) {
					t.Errorf("%s: got status %q, value %v %q, output %q; want %q, no value, output ending %q", status, r.Status, r.ObservedValue, r.ObservedUnit, r.Output, status, tt.want)
				}
				if _, err := json.Marshal(r.ObservedValue); err != nil {
					t.Errorf("the value left cannot be encoded: %v", err)
				}
			}
		})
	}
}

// Issue 19, bug 4: a check's output is capped, cut on a rune boundary.
func TestOutputIsCapped(t *testing.T) {
	long := strings.Repeat("é", 1<<20) // 2 MiB of two-byte runes
	for name, probe := range map[string]Probe{
		"observation": func(context.Context) (Observation, error) {
			return Observation{Status: StatusWarn, Output: long}, nil
		},
		"class": func(context.Context) (Observation, error) {
			return Observation{}, WithClass(long, errors.New("x"))
		},
	} {
		t.Run(name, func(t *testing.T) {
			c := mustChecker(t, []Check{{Name: "big", Probe: probe}}, WithCacheTTL(0))
			rep := c.All(context.Background())
			out := rep.Results[0].Output
			if len(out) > MaxOutput || !strings.HasSuffix(out, TruncatedMarker) || !utf8.ValidString(out) {
				t.Errorf("output of %d bytes, valid UTF-8 %v, ends %q; want at most %d bytes ending in %q", len(out), utf8.ValidString(out), out[max(len(out)-20, 0):], MaxOutput, TruncatedMarker)
			}
			if len(rep.Output) > MaxOutput+len("big: ") {
				t.Errorf("report output of %d bytes; want it capped too", len(rep.Output))
			}
		})
	}
}

type panickingHandler struct{ slog.Handler }

func (panickingHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (panickingHandler) Handle(context.Context, slog.Record) error { panic("log sink broke") }

// Issue 19, bug 2: a nil or panicking logger never takes the process
// down (the log call runs inside a shared run, whose panic singleflight
// re-raises on a goroutine of its own, where nothing can recover it).
func TestLoggerNeverKillsTheProcess(t *testing.T) {
	for name, l := range map[string]*slog.Logger{"nil": nil, "panicking": slog.New(panickingHandler{})} {
		t.Run(name, func(t *testing.T) {
			var heard []StatusChange
			done := make(chan struct{})
			c := mustChecker(t, []Check{{Name: "db", Probe: func(context.Context) (Observation, error) { return Observation{}, nil }}},
				WithLogger(l), WithStatusListener(func(ch StatusChange) { heard = append(heard, ch); close(done) }))
			if rep := c.All(context.Background()); rep.Status != StatusPass {
				t.Errorf("All = %q; want pass", rep.Status)
			}
			<-done
			if len(heard) != 1 {
				t.Errorf("listener heard %d changes; want 1", len(heard))
			}
		})
	}
}

// Issue 19, frictions: an option that cannot be used is an error naming
// it, as a check that cannot be run is.
func TestNewCheckerRejectsOptions(t *testing.T) {
	tests := []struct {
		opt  Option
		want string
	}{
		{WithCacheTTL(-time.Second), "WithCacheTTL(-1s): must not be negative"},
		{WithDeadlineMargin(-time.Millisecond), "WithDeadlineMargin(-1ms): must not be negative"},
		{WithStartupGrace(-time.Second), "WithStartupGrace(-1s): must not be negative"},
		{WithBudget(0), "WithBudget(0s): must be positive"},
		{WithDrain(nil), "WithDrain(nil): needs a function"},
		{WithStatusListener(nil), "WithStatusListener(nil): needs a function"},
	}
	for _, tt := range tests {
		_, err := NewChecker(nil, tt.opt)
		if !errors.Is(err, ErrInvalidOption) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewChecker error = %v; want %q (ErrInvalidOption)", err, tt.want)
		}
	}
	if _, err := NewChecker([]Check{{Name: "db", Probe: Ping(nil)}}); !errors.Is(err, ErrInvalidCheck) || !strings.Contains(err.Error(), "probe is nil") {
		t.Errorf("NewChecker with Ping(nil) = %v; want probe is nil", err)
	}
	if _, err := NewChecker([]Check{{Name: "db", Probe: Ping(func(context.Context) error { return nil }), Interval: -time.Second}}); !errors.Is(err, ErrInvalidCheck) {
		t.Errorf("NewChecker with a negative Interval = %v; want ErrInvalidCheck", err)
	}
}

// Issue 19, frictions: a check's internal error reaches the check's log
// line at debug level, and only there; a panic's value never does.
func TestErrorLoggedAtDebugOnly(t *testing.T) {
	failing := func(context.Context) (Observation, error) {
		return Observation{}, WithClass(ClassRefused, errors.New("dial tcp 10.0.0.7:5432: connect: connection refused"))
	}
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		var buf bytes.Buffer
		c := mustChecker(t, []Check{{Name: "db", Probe: failing}}, WithCacheTTL(0),
			WithLogger(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: level}))))
		rep := c.All(context.Background())
		logged := strings.Contains(buf.String(), `"error":"connection refused: dial tcp 10.0.0.7:5432`)
		if logged != (level == slog.LevelDebug) {
			t.Errorf("at %s the log is %s; want the error on the check's line only at debug", level, buf.String())
		}
		if body, _ := json.Marshal(rep); strings.Contains(string(body), "10.0.0.7") {
			t.Errorf("the report carries the internal error: %s", body)
		}
	}
}

// Issue 19, frictions: one panic policy: the type and the place, and the
// value only when the runtime made it.
func TestPanicErrorKeepsNoValue(t *testing.T) {
	c := mustChecker(t, []Check{{Name: "p", Probe: func(context.Context) (Observation, error) { panic("token=s3cr3t") }}}, WithCacheTTL(0))
	r, _ := c.One(context.Background(), "p")
	if r.Output != ClassPanic || strings.Contains(r.Err.Error(), "s3cr3t") || !strings.Contains(r.Err.Error(), "string at ") || !strings.Contains(r.Err.Error(), "trial_test.go:") {
		t.Errorf("output %q, error %q; want %q and the panic's type and place, not its value", r.Output, r.Err, ClassPanic)
	}
}

// Issue 19, frictions: one spelling: a Check's Optional is its Result's
// Optional (Result said Critical, the inverse).
func TestResultSpellsOptionalAsTheCheckDoes(t *testing.T) {
	ok := func(context.Context) (Observation, error) { return Observation{}, nil }
	c := mustChecker(t, []Check{{Name: "a", Probe: ok}, {Name: "b", Probe: ok, Optional: true}})
	for _, r := range c.All(context.Background()).Results {
		if r.Optional != (r.Name == "b") {
			t.Errorf("result %s: Optional = %v; want the check's", r.Name, r.Optional)
		}
	}
}
