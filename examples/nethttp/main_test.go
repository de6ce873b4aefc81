package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
)

type fakeDB func(context.Context) error

func (f fakeDB) PingContext(ctx context.Context) error { return f(ctx) }

func TestHealthBesideOwnRoutes(t *testing.T) {
	for _, tt := range []struct {
		ping fakeDB
		want map[string]int
	}{
		{func(context.Context) error { return nil }, map[string]int{"/orders": 200, "/health": 200, "/health/": 200,
			"/health/live": 200, "/livez": 200, "/healthz": 200, "/health/ready": 200, "/readyz": 200,
			"/health/checks/orders-db": 200, "/nope": 404}},
		{func(context.Context) error { return errors.New("connection refused") }, map[string]int{"/orders": 200,
			"/readyz": 503, "/health": 503, "/livez": 200}},
	} {
		mux, err := newMux(tt.ping)
		if err != nil {
			t.Fatal(err)
		}
		for path, want := range tt.want {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			if rec.Code != want {
				t.Errorf("GET %s = %d; want %d", path, rec.Code, want)
			}
		}
	}
}
