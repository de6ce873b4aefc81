package healthhttp

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Issue 19, frictions: an option NewHandler cannot use is an error naming
// it, never a silent default (a typo in WithDetails meant never).
func TestNewHandlerRejectsOptions(t *testing.T) {
	tests := []struct {
		opt  Option
		want string
	}{
		{WithDetails("ALWAYS"), `WithDetails("ALWAYS"): must be "never", "authorized" or "always"`},
		{WithBasePath(""), `WithBasePath(""): must be an absolute path`},
		{WithBasePath("health"), `WithBasePath("health"): must be an absolute path`},
		{WithBasePath("/v1/health?x=1"), `WithBasePath("/v1/health?x=1"): each segment must be`},
		{WithBasePath("/v1//health"), `WithBasePath("/v1//health"): each segment must be`},
		{WithBasePath("/{name}"), `WithBasePath("/{name}"): each segment must be`},
	}
	for _, tt := range tests {
		h, err := NewHandler(newFake(health.StatusPass), tt.opt)
		if h != nil || !errors.Is(err, ErrInvalidOption) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewHandler = %v, %v; want an error containing %q", h, err, tt.want)
		}
	}
	if _, err := NewHandler(nil); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("NewHandler(nil) error = %v; want ErrInvalidOption", err)
	}
}

type panickingHandler struct{ slog.Handler }

func (panickingHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (panickingHandler) Handle(context.Context, slog.Record) error { panic("log sink broke") }

// Issue 19, bug 2: with a nil or panicking logger every answer still
// arrives with its own code (a nil logger lost every non-2xx answer: EOF
// over HTTP).
func TestLoggerNeverLosesAnAnswer(t *testing.T) {
	for name, l := range map[string]*slog.Logger{"nil": nil, "panicking": slog.New(panickingHandler{})} {
		t.Run(name, func(t *testing.T) {
			h := mustHandler(t, newFake(health.StatusFail), WithLogger(l), WithPassLogInterval(0))
			srv := httptest.NewServer(Recover(h, l))
			defer srv.Close()
			for path, want := range map[string]int{"/health/ready": 503, "/nope": 404, "/health/live": 200} {
				resp, err := http.Get(srv.URL + path)
				if err != nil {
					t.Fatalf("GET %s: %v", path, err)
				}
				resp.Body.Close()
				if resp.StatusCode != want {
					t.Errorf("GET %s = %d; want %d", path, resp.StatusCode, want)
				}
			}
		})
	}
}

// Issue 19, frictions: a handler whose details no caller can see says so,
// once, at construction.
func TestNoDetailsIsLoggedOnce(t *testing.T) {
	tests := []struct {
		name string
		opts []Option
		want int
	}{
		{"default", nil, 1},
		{"token", []Option{WithToken("t0k3n")}, 0},
		{"IAM caller", []Option{WithIAMCaller(func(context.Context) (string, bool) { return "", false })}, 0},
		{"always", []Option{WithDetails(DetailsAlways)}, 0},
		{"never", []Option{WithDetails(DetailsNever)}, 0},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		h := mustHandler(t, newFake(health.StatusFail), append(tt.opts, WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))...)
		do(h, "GET", "/health")
		do(h, "GET", "/health")
		if got := strings.Count(buf.String(), NoDetailsWarning); got != tt.want {
			t.Errorf("%s: warned %d times; want %d (log %q)", tt.name, got, tt.want, buf.String())
		}
	}
}

// Issue 19, bugs 1 and 4 through the HTTP front: a NaN observed value
// and a huge output answer with the check's own status, with details.
func TestTrialOutputsOverHTTP(t *testing.T) {
	huge := strings.Repeat("x", 64<<20) // made once, outside the probe's time
	checker, err := health.NewChecker([]health.Check{
		{Name: "ratio", Probe: func(context.Context) (health.Observation, error) {
			return health.Observation{Value: math.NaN(), Unit: "ratio"}, nil
		}},
		{Name: "big", Optional: true, Probe: func(context.Context) (health.Observation, error) {
			return health.Observation{Status: health.StatusWarn, Output: huge}, nil
		}},
	}, health.WithCacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	h := mustHandler(t, checker, WithDetails(DetailsAlways))
	for path, want := range map[string]int{"/health": 200, "/health/ready": 200, "/health/checks/ratio": 200, "/health/checks/big": 200} {
		for _, accept := range []string{"", acceptChrome} {
			rec := do(h, "GET", path, "Accept", accept)
			if rec.Code != want || rec.Body.Len() > 8<<10 {
				t.Errorf("GET %s (Accept %q) = %d with %d bytes; want %d, at most 8 KiB", path, accept, rec.Code, rec.Body.Len(), want)
			}
			if path == "/health/checks/ratio" && accept == "" && !strings.Contains(rec.Body.String(), "observed value dropped: NaN is not a JSON number") {
				t.Errorf("GET %s = %s; want the reason the value was dropped", path, rec.Body)
			}
		}
	}
}

// Issue 19, frictions: one panic policy: the log line has the panic's type
// and place, never a value that may carry request data.
func TestRecoverLogsTypeAndPlace(t *testing.T) {
	var buf bytes.Buffer
	h := Recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("Authorization: Bearer s3cr3t") }),
		slog.New(slog.NewTextHandler(&buf, nil)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/health", nil))
	if rec.Code != 500 || strings.Contains(buf.String(), "s3cr3t") || !strings.Contains(buf.String(), "string at ") || !strings.Contains(buf.String(), "trial_test.go:") {
		t.Errorf("code %d, log %q; want 500 and the type and place only", rec.Code, buf.String())
	}
}
