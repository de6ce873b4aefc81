package server

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

// TestShutdownWaitsForTheBudget: a request in flight when shutdown starts,
// taking most of a 6 s budget (longer than a fixed 5 s wait), is answered,
// and Run returns nil.
func TestShutdownWaitsForTheBudget(t *testing.T) {
	t.Parallel()
	const budget = 6 * time.Second
	started := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(started)
		time.Sleep(budget - 500*time.Millisecond)
		_, _ = io.WriteString(w, "done")
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Run(ctx, "127.0.0.1:0", slow, WithHandlerTimeout(budget), WithReady(ready)) }()
	addr := <-ready
	type answer struct {
		body string
		err  error
	}
	answered := make(chan answer, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/health")
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- answer{string(b), err}
	}()
	<-started
	cancel() // SIGTERM
	if err := <-done; err != nil {
		t.Errorf("Run = %v; want nil: the in-flight request had its budget to finish", err)
	}
	if a := <-answered; a.err != nil || a.body != "done" {
		t.Errorf("in-flight request = %q, %v; want its answer", a.body, a.err)
	}
}

// TestTimeoutsFollowTheBudget: the write timeout and the shutdown wait are
// longer than the budget, whatever it is, so that no answer written on
// time is cut (an empty reply at a fixed 30 s write timeout with a 32 s
// budget).
func TestTimeoutsFollowTheBudget(t *testing.T) {
	for _, budget := range []time.Duration{100 * time.Millisecond, 2 * time.Second, 8 * time.Second, 32 * time.Second, 5 * time.Minute} {
		o := newOptions(WithHandlerTimeout(budget))
		srv := o.server(http.NotFoundHandler())
		if srv.WriteTimeout <= budget+time.Second {
			t.Errorf("budget %v: WriteTimeout = %v; want more than the budget + 1s", budget, srv.WriteTimeout)
		}
		if w := o.shutdownWait(); w <= budget+time.Second {
			t.Errorf("budget %v: shutdown wait = %v; want more than the budget + 1s", budget, w)
		}
	}
}
