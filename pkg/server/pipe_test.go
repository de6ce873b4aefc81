package server

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
)

// pipeListener is a net.Listener whose connections are net.Pipe pairs,
// made by its Dial: a server on it runs inside a testing/synctest bubble,
// where the fake clock moves only while every goroutine waits on the
// bubble's own channels (never on the real network).
type pipeListener struct {
	conns     chan net.Conn
	closed    chan struct{}
	closeOnce sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

// Accept waits for a Dial or for Close.
func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// Close stops Accept and Dial; it may be called more than once.
func (l *pipeListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return nil
}

// Addr is a placeholder: nothing dials it by address.
func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// Dial connects to the listener: net.ErrClosed once it is closed, as a
// refused connection would be.
func (l *pipeListener) Dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
	case <-ctx.Done():
	}
	client.Close()
	server.Close()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, net.ErrClosed
}

// client returns an HTTP client that dials l and keeps no idle
// connection, so that no goroutine outlives the bubble.
func (l *pipeListener) client() *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: l.Dial, DisableKeepAlives: true}}
}

// servePipe starts serve on a pipeListener, inside the caller's bubble, and
// returns the listener and a stop that ends the server and returns Run's
// error.
func servePipe(t *testing.T, h http.Handler, opts ...Option) (*pipeListener, func() error) {
	t.Helper()
	ln := newPipeListener()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- newOptions(opts...).serve(ctx, ln, h) }()
	return ln, func() error { cancel(); return <-done }
}
