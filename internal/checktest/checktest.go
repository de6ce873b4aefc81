// Package checktest runs a check the way the endpoints do (through the
// engine, once, without the cache) and captures what a caller and an
// operator would see: the result, the time it took, the /health body with
// details, and every log line.
package checktest

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
	"github.com/lambdahealth/lambdahealth/pkg/healthjson"
)

// Outcome is one run of a check.
type Outcome struct {
	Result  health.Result
	Elapsed time.Duration // wall time of the run, as a caller saw it
	// Late is how long after the budget a plain timer armed with the run
	// fired in this process: the scheduler's delay on a loaded machine,
	// which no engine can beat. Zero when the answer came inside budget +
	// Slack, since then nobody needs it.
	Late time.Duration
	Body string // the comprehensive response, with details
	Logs string // what the engine logged, as JSON lines
}

// LockedBuffer is a bytes.Buffer safe for the engine's goroutines, which
// may log after an answer has been written.
type LockedBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	first time.Time
}

// Write appends p.
func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.first.IsZero() {
		b.first = time.Now()
	}
	return b.buf.Write(p)
}

// FirstWrite returns when the first write came, or the zero time.
func (b *LockedBuffer) FirstWrite() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.first
}

// String returns what was written.
func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Run runs check once through a Checker with the given budget and no cache.
func Run(t testing.TB, check health.Check, budget time.Duration) Outcome {
	t.Helper()
	logs := &LockedBuffer{}
	// The level production logs at: a debug line carries the check's
	// internal error (hosts, users) by design, for an operator who asks.
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c, err := health.NewChecker([]health.Check{check}, health.WithCacheTTL(0), health.WithBudget(budget), health.WithLogger(logger))
	if err != nil {
		t.Fatalf("NewChecker() error = %v", err)
	}
	start := time.Now()
	lateness := Lateness(start.Add(budget))
	rep := c.All(context.Background())
	elapsed := time.Since(start)
	var late time.Duration
	if elapsed > budget+Slack {
		late = lateness()
	}
	body, err := json.Marshal(healthjson.Service{}.Render(rep, true))
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return Outcome{Result: rep.Results[0], Elapsed: elapsed, Late: late, Body: string(body), Logs: logs.String()}
}

// Lateness arms a plain timer for at and returns a function that waits for
// it and says how late it fired: the scheduler's delay on a loaded machine,
// which code under test that wakes at at cannot beat either. The timer
// sends on a buffered channel, so nothing blocks when nobody asks. Call
// the function at most once.
func Lateness(at time.Time) func() time.Duration {
	fired := make(chan time.Time, 1)
	time.AfterFunc(time.Until(at), func() { fired <- time.Now() })
	return func() time.Duration { return max((<-fired).Sub(at), 0) }
}

// Slack is how long after its budget an answer may come: the engine's own
// work between its timer firing and the report being returned.
const Slack = 100 * time.Millisecond

// MaxLate bounds the scheduler's delay that Expect forgives, so that an
// answer held far past the budget (a probe the engine waited for) fails
// however loaded the machine is.
const MaxLate = time.Second

// Expect checks an outcome's status and output, that the output reached the
// response body, and that the answer came inside budget + Slack, counted
// from when a plain timer armed with the run fired (see Outcome.Late) and
// never later than budget + Slack + MaxLate of wall time.
func Expect(t testing.TB, o Outcome, status health.Status, output string, budget time.Duration) {
	t.Helper()
	if o.Result.Status != status || o.Result.Output != output {
		t.Errorf("result = %s %q; want %s %q (error %v)", o.Result.Status, o.Result.Output, status, output, o.Result.Err)
	}
	if limit := budget + Slack; o.Elapsed-min(o.Late, MaxLate) > limit {
		t.Errorf("answered in %s (a timer armed with it fired %s late); want at most %s after the timer", o.Elapsed, o.Late, limit)
	}
	if output != "" && !strings.Contains(o.Body, `"output":"`+output) {
		t.Errorf("response body %s; want output %q in it", o.Body, output)
	}
}

// APIError is the error the AWS SDK returns for an API error with code,
// with an ARN in its message (which must never reach an output).
func APIError(code string) error {
	return &smithy.OperationError{ServiceID: "Fake", OperationName: "Call",
		Err: &smithy.GenericAPIError{Code: code, Message: "User arn:aws:iam::123456789012:user/x is not authorized"}}
}

// Handler returns healthhttp.NewHandler's handler, failing tb on an error.
func Handler(tb testing.TB, engine healthhttp.Engine, opts ...healthhttp.Option) *healthhttp.Handler {
	tb.Helper()
	h, err := healthhttp.NewHandler(engine, opts...)
	if err != nil {
		tb.Fatalf("NewHandler: %v", err)
	}
	return h
}

// Must returns a function that returns a kind's check, failing tb when its
// constructor returned an error: checktest.Must(t)(sqs.New(c, s, client)).
func Must(tb testing.TB) func(health.Check, error) health.Check {
	return func(c health.Check, err error) health.Check {
		tb.Helper()
		if err != nil {
			tb.Fatalf("New() error = %v", err)
		}
		return c
	}
}

// MustCheck is Must for helpers that have no testing.TB: it panics on err.
func MustCheck(c health.Check, err error) health.Check {
	if err != nil {
		panic(err)
	}
	return c
}
