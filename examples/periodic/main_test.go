package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// countingDoer answers every request 200 and counts them: the probe calls.
type countingDoer struct{ calls atomic.Int64 }

func (d *countingDoer) Do(*http.Request) (*http.Response, error) {
	d.calls.Add(1)
	return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader(""))}, nil
}

// TestRequestsNeverProbe: between two background runs, 100 requests make
// zero probe calls, and each answers with the last run's result and time.
func TestRequestsNeverProbe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		doer := &countingDoer{}
		mux, checker, err := newServer("https://payments.example.com/health", doer)
		if err != nil {
			t.Fatal(err)
		}
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		checker.Start(ctx)
		synctest.Wait() // the run at start
		if got := doer.calls.Load(); got != 1 {
			t.Fatalf("after Start: %d probe calls; want 1", got)
		}
		ranAt := time.Now().UTC().Format(time.RFC3339)
		paths := []string{"/health", "/health/ready", "/readyz", "/health/checks/payments"}
		for i := range 100 {
			time.Sleep(100 * time.Millisecond) // 10 s in all, inside the 15 s interval (a fake clock)
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest("GET", paths[i%len(paths)], nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d %s; want 200", paths[i%len(paths)], rec.Code, rec.Body)
			}
			if i%len(paths) == 0 && !strings.Contains(rec.Body.String(), `"time":"`+ranAt+`"`) {
				t.Fatalf("GET /health = %s; want the time of the run, %s", rec.Body, ranAt)
			}
		}
		if got := doer.calls.Load(); got != 1 {
			t.Errorf("100 requests between two runs made %d probe calls; want 0", got-1)
		}
		time.Sleep(5 * time.Second) // the next run, 15 s after the first
		synctest.Wait()
		if got := doer.calls.Load(); got != 2 {
			t.Errorf("after one interval: %d probe calls; want 2", got)
		}
		stop()
		synctest.Wait()
	})
}
