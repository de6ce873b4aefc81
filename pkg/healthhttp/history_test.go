package healthhttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/uptime"
)

// fakeHistory is a hand-written History with a function field.
type fakeHistory struct {
	read  func(ctx context.Context) (uptime.History, error)
	calls atomic.Int64
}

func (f *fakeHistory) History(ctx context.Context) (uptime.History, error) {
	f.calls.Add(1)
	return f.read(ctx)
}

func share(v float64) *float64 { return &v }

// sampleHistory: the service at 99.86% over 24 hours, orders-db with a
// failed day, assets never ran; maintenance on the 28th day of 30.
func sampleHistory() uptime.History {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	h := uptime.New(now, nil, nil, nil)
	h.Days[27].Maintenance = true
	daily := func(low int, v float64) []*float64 {
		d := make([]*float64, uptime.StripDays)
		for i := range d {
			d[i] = share(1)
		}
		d[low] = share(v)
		return d
	}
	h.Service = uptime.Series{Last24h: share(0.998611), Last7d: share(0.999801), Last30d: share(0.999953), Daily: daily(29, 0.998611)}
	h.Checks = map[string]uptime.Series{
		"orders-db": {Last24h: share(1), Last7d: share(0.857142), Last30d: share(0.966666), Daily: daily(25, 0)},
		"unseen":    {Last24h: share(1), Last7d: share(1), Last30d: share(1), Daily: daily(0, 1)},
	}
	return h
}

func TestPageShowsHistory(t *testing.T) {
	hist := &fakeHistory{read: func(context.Context) (uptime.History, error) { return sampleHistory(), nil }}
	h := mustHandler(t, twoChecks(), WithDetails(DetailsAlways), WithService(Service{ID: "orders"}), WithHistory(hist))
	rec := do(h, "GET", "/health", "Accept", acceptChrome)
	body := rec.Body.String()
	rows := regexp.MustCompile(`(?s)<tr data-uptime="(service|check)"(?: data-check="([^"]*)")?>(.*?)</tr>`).FindAllStringSubmatch(body, -1)
	if len(rows) != 2 {
		t.Fatalf("%d uptime rows; want 2 (the service, and orders-db, the page's only check with a history):\n%s", len(rows), body)
	}
	want := []struct{ kind, check, w24, w7, w30, low string }{
		{"service", "", "99.86%", "99.98%", "99.99%", "2026-12-07T11:00:00Z"},
		{"check", "orders-db", "100%", "85.71%", "96.66%", "2026-12-03T11:00:00Z"},
	}
	for i, w := range want {
		r := rows[i]
		if r[1] != w.kind || r[2] != w.check {
			t.Errorf("row %d is %s %q; want %s %q", i, r[1], r[2], w.kind, w.check)
		}
		for window, v := range map[string]string{"24h": w.w24, "7d": w.w7, "30d": w.w30} {
			if cell := `data-window="` + window + `">` + v + `</td>`; !strings.Contains(r[3], cell) {
				t.Errorf("row %s lacks %s", w.kind+" "+w.check, cell)
			}
		}
		bars := regexp.MustCompile(`<span class="(d-[a-z]+)( maint)?" data-end="([0-9TZ:-]+)" title="([^"]+)"></span>`).FindAllStringSubmatch(r[3], -1)
		if len(bars) != uptime.StripDays {
			t.Fatalf("row %d has %d bars; want %d", i, len(bars), uptime.StripDays)
		}
		for j, b := range bars {
			wantClass := "d-pass"
			if b[3] == w.low {
				wantClass = map[string]string{"service": "d-warn", "check": "d-fail"}[w.kind]
			}
			if b[1] != wantClass || (b[2] != "") != (j == 27) {
				t.Errorf("row %d bar %d (%s) = %q%q; want %q, maintenance %v", i, j, b[3], b[1], b[2], wantClass, j == 27)
			}
		}
		if !strings.Contains(r[3], `title="24 h to 2026-12-05 11:00 UTC: 100%, maintenance"`) {
			t.Errorf("row %d: the maintenance day's title does not say so:\n%s", i, r[3])
		}
	}
	if hist.calls.Load() != 1 {
		t.Errorf("%d reads; want 1", hist.calls.Load())
	}
	assertSelfContained(t, rec)
}

// TestHistoryFollowsTheDetailsPolicy: without details the page and the
// JSON show the service's figures and no check's name.
func TestHistoryFollowsTheDetailsPolicy(t *testing.T) {
	hist := &fakeHistory{read: func(context.Context) (uptime.History, error) { return sampleHistory(), nil }}
	h := mustHandler(t, twoChecks(), WithDetails(DetailsNever), WithHistory(hist))
	page := do(h, "GET", "/health", "Accept", acceptChrome).Body.String()
	if !strings.Contains(page, `<tr data-uptime="service">`) || strings.Contains(page, "orders-db") || !strings.Contains(page, "<b>service</b>") {
		t.Errorf("page without details: want the service's uptime only:\n%s", page)
	}
	body := do(h, "GET", "/health?history=1").Body.String()
	if !strings.Contains(body, `"history":{"time":"2026-12-07T10:00:00Z"`) || strings.Contains(body, "orders-db") || strings.Contains(body, `"checks"`) {
		t.Errorf("JSON without details = %s; want the service's history only", body)
	}
}

func TestJSONHistoryOnlyWhenAsked(t *testing.T) {
	hist := &fakeHistory{read: func(context.Context) (uptime.History, error) { return sampleHistory(), nil }}
	h := mustHandler(t, twoChecks(), WithDetails(DetailsAlways), WithHistory(hist))
	for _, target := range []string{"/health", "/health?history=0", "/health?timeout=1s", "/health/live?history=1"} {
		if body := do(h, "GET", target).Body.String(); strings.Contains(body, "history") {
			t.Errorf("GET %s = %s; want no history", target, body)
		}
	}
	if rec := do(h, "HEAD", "/health?history=1"); rec.Body.Len() != 0 {
		t.Errorf("HEAD has a body")
	}
	if n := hist.calls.Load(); n != 0 {
		t.Fatalf("%d reads of the history without ?history=1 or a page; want 0", n)
	}
	rec := do(h, "GET", "/health/checks/orders-db?history=1")
	var got struct {
		Status  string
		History struct {
			Days    []uptime.Strip
			Service uptime.Series
			Checks  map[string]uptime.Series
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("body %s: %v", rec.Body, err)
	}
	if rec.Code != 503 || got.Status != "fail" || len(got.History.Days) != 30 || *got.History.Service.Last24h != 0.998611 ||
		len(got.History.Checks) != 1 || *got.History.Checks["orders-db"].Last7d != 0.857142 || !got.History.Days[27].Maintenance {
		t.Errorf("GET /health/checks/orders-db?history=1 = %d %s; want the check's answer with the service's and its history", rec.Code, rec.Body)
	}
	if rec := do(h, "GET", "/health?history=yes"); rec.Code != 400 || !strings.Contains(rec.Body.String(), "history must be 1") {
		t.Errorf("?history=yes = %d %s; want 400 naming history", rec.Code, rec.Body)
	}
}

// TestHistoryUnavailable: a history that is denied, refused or hung leaves
// the page and the JSON on time, with their status, and "history
// unavailable" with the reason's safe class.
func TestHistoryUnavailable(t *testing.T) {
	tests := []struct {
		name, want string
		err        error
	}{
		{"denied", "access denied: cloudwatch:GetMetricData", health.WithClass("access denied: cloudwatch:GetMetricData", errors.New("User: arn:aws:sts::123456789012:assumed-role/x is not authorized"))},
		{"refused", "connection refused", fmt.Errorf("get metric data: dial tcp 10.0.0.1:443: %w", syscall.ECONNREFUSED)},
		{"not built in", "not built in", health.WithClass("not built in", errors.New("no history control"))},
		{"hung", "timeout", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				hist := &fakeHistory{read: func(ctx context.Context) (uptime.History, error) {
					if tt.err != nil {
						return uptime.History{}, tt.err
					}
					<-ctx.Done() // a CloudWatch that never answers
					return uptime.History{}, ctx.Err()
				}}
				checker, err := health.NewChecker([]health.Check{{Name: "db", Probe: health.Ping(func(context.Context) error { return nil })}},
					health.WithBudget(700*time.Millisecond))
				if err != nil {
					t.Fatal(err)
				}
				h := mustHandler(t, checker, WithDetails(DetailsAlways), WithHistory(hist))
				for _, req := range []struct{ target, accept string }{{"/health", acceptChrome}, {"/health?history=1", ""}} {
					start := time.Now()
					rec := do(h, "GET", req.target, "Accept", req.accept)
					took := time.Since(start)
					body := rec.Body.String()
					if rec.Code != 200 || took > 700*time.Millisecond {
						t.Errorf("GET %s = %d after %v; want 200 within the 700ms budget", req.target, rec.Code, took)
					}
					want := `history unavailable (` + tt.want + `)`
					if req.accept == "" {
						want = `"history":{"unavailable":"` + tt.want + `"}`
					}
					if !strings.Contains(body, want) || strings.Contains(body, "arn:") || strings.Contains(body, "10.0.0.1") {
						t.Errorf("GET %s = %s; want %s and no internal text", req.target, body, want)
					}
				}
			})
		})
	}
}
