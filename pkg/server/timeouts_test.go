package server

import (
	"io"
	"net/http"
	"testing"
	"testing/synctest"
	"time"
)

// TestShutdownWaitsForTheBudget: a request in flight when shutdown starts,
// taking most of a 6 s budget (longer than a fixed 5 s wait), is answered,
// and Run returns nil. The server's time is a synctest bubble's.
func TestShutdownWaitsForTheBudget(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const budget = 6 * time.Second
		started := make(chan struct{})
		slow := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			close(started)
			time.Sleep(budget - 500*time.Millisecond)
			_, _ = io.WriteString(w, "done")
		})
		ln, stop := servePipe(t, slow, WithHandlerTimeout(budget))
		type answer struct {
			body string
			err  error
		}
		answered := make(chan answer, 1)
		go func() {
			resp, err := ln.client().Get("http://pipe/health")
			if err != nil {
				answered <- answer{err: err}
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			answered <- answer{string(b), err}
		}()
		<-started
		begin := time.Now()
		if err := stop(); err != nil { // SIGTERM
			t.Errorf("Run = %v; want nil: the in-flight request had its budget to finish", err)
		}
		if a := <-answered; a.err != nil || a.body != "done" {
			t.Errorf("in-flight request = %q, %v; want its answer", a.body, a.err)
		}
		if waited := time.Since(begin); waited < budget-500*time.Millisecond {
			t.Errorf("shutdown returned after %v; want after the request's %v", waited, budget-500*time.Millisecond)
		}
	})
}

// TestTimeoutsFollowTheBudget: the write timeout and the shutdown wait are
// longer than the budget, whatever it is, so that no answer written on
// time is cut (an empty reply at a fixed 30 s write timeout with a 32 s
// budget).
func TestTimeoutsFollowTheBudget(t *testing.T) {
	t.Parallel()
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
