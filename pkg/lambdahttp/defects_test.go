package lambdahttp

import (
	"context"
	"encoding/json"
	"log"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/eventcases"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
)

// loadEvent reads events/<file> as a JSON object to modify.
func loadEvent(t testing.TB, file string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("../../events/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// setPath puts path into every place a trigger's event carries it.
func setPath(ev map[string]any, path string) {
	rc := ev["requestContext"].(map[string]any)
	if _, ok := ev["rawPath"]; ok {
		ev["rawPath"] = path
		rc["http"].(map[string]any)["path"] = path
		return
	}
	ev["path"] = path
}

// setHost puts host into the Host header and the request context's domain,
// which api-proxy reads for ALB and for API Gateway respectively.
func setHost(ev map[string]any, host string) {
	if h, ok := ev["headers"].(map[string]any); ok {
		for k := range h {
			if strings.EqualFold(k, "host") {
				h[k] = host
			}
		}
	}
	if h, ok := ev["multiValueHeaders"].(map[string]any); ok {
		for k := range h {
			if strings.EqualFold(k, "host") {
				h[k] = []string{host}
			}
		}
	}
	if rc := ev["requestContext"].(map[string]any); rc["elb"] == nil {
		rc["domainName"] = host
	}
}

var liveEvents = []string{"health-v1-live.json", "health-v2-live.json", "health-alb-live.json", "health-alb-multivalue-ready.json", "health-furl-live.json"}

// TestHostCannotChangeTheRoute is issue 15, defect 3: api-proxy builds the
// URL as "https://" + host + path, so a Host (ALB) or domainName (API
// Gateway, Function URL) with a path in it ran the flap check on a
// liveness event. The route comes from the event's own path, on every
// trigger.
func TestHostCannotChangeTheRoute(t *testing.T) {
	var flapRuns atomic.Int32
	checker, err := health.NewChecker([]health.Check{{Name: "flap",
		Probe: func(context.Context) (health.Observation, error) {
			flapRuns.Add(1)
			return health.Observation{}, nil
		}}}, health.WithCacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	var seen atomic.Value
	h := checktest.Handler(t, checker, healthhttp.WithDetails(healthhttp.DetailsAlways))
	a := New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.URL.Path + "?" + r.URL.RawQuery)
		h.ServeHTTP(w, r)
	}))
	for _, file := range liveEvents {
		for _, host := range []string{"lb.example/health/checks/flap?", "lb.example/health/checks/flap#", "lb.example?x=", "user@lb.example", "lb example", "lb.example:x"} {
			t.Run(file+"/"+host, func(t *testing.T) {
				ev := loadEvent(t, file)
				setPath(ev, "/health/live")
				setHost(ev, host)
				out := captureOutput(t, func() {
					b, err := a.Invoke(context.Background(), mustJSON(t, ev))
					if err != nil {
						t.Fatalf("Invoke error: %v", err)
					}
					var resp eventcases.Response
					_ = json.Unmarshal(b, &resp)
					if resp.StatusCode != http.StatusOK || strings.Contains(resp.Body, "flap") {
						t.Errorf("response = %d %s; want 200 liveness", resp.StatusCode, resp.Body)
					}
				})
				if got := seen.Load(); got != "/health/live?" {
					t.Errorf("handler saw %q; want /health/live with no query", got)
				}
				if n := flapRuns.Load(); n != 0 {
					t.Errorf("flap check ran %d times on a liveness event", n)
				}
				if out != "" {
					t.Errorf("printed %q", out)
				}
			})
		}
	}
}

// captureOutput runs f with os.Stdout, os.Stderr and the standard logger
// sent to a file, and returns what was written there: api-proxy prints
// with fmt.Printf and log.Println.
func captureOutput(t testing.TB, f func()) string {
	t.Helper()
	file, restore := redirectOutput(t)
	func() {
		defer restore()
		f()
	}()
	b, err := os.ReadFile(file.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNothingButJSONLogLines is issue 15, defect 6: requests api-proxy
// cannot convert made it print the method, the raw path and the URL as
// plain text, and a CR/LF in the path forged a JSON log line. Such requests
// are answered 400 before api-proxy sees them; the adapter's own log line
// is JSON and quotes nothing of the request.
func TestNothingButJSONLogLines(t *testing.T) {
	const forged = "\r\n{\"level\":\"ERROR\",\"msg\":\"forged\"}\r\n"
	tests := []struct {
		name   string
		modify func(ev map[string]any)
	}{
		{"CR/LF in the path", func(ev map[string]any) { setPath(ev, "/health/live"+forged) }},
		{"bad escape in the path", func(ev map[string]any) { setPath(ev, "/health/%zzforged") }},
		{"query in the path", func(ev map[string]any) { setPath(ev, "/health/live?forged") }},
		{"fragment in the path", func(ev map[string]any) { setPath(ev, "/health/live#forged") }},
		{"method not a token", func(ev map[string]any) {
			if rc := ev["requestContext"].(map[string]any); rc["http"] != nil {
				rc["http"].(map[string]any)["method"] = "GET" + forged
			} else {
				ev["httpMethod"] = "GET" + forged
			}
		}},
		{"body not base64", func(ev map[string]any) { ev["body"] = "forged!!"; ev["isBase64Encoded"] = true }},
		{"CR/LF in the raw query", func(ev map[string]any) {
			if _, ok := ev["rawQueryString"]; ok {
				ev["rawQueryString"] = "a=1" + forged
			} else {
				ev["body"] = "*" // not base64 either, for the other triggers
				ev["isBase64Encoded"] = true
			}
		}},
	}
	for _, file := range liveEvents {
		for _, tt := range tests {
			t.Run(file+"/"+tt.name, func(t *testing.T) {
				var logs checktest.LockedBuffer
				a := New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					t.Errorf("handler reached with %q", r.URL)
				}), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
				ev := loadEvent(t, file)
				tt.modify(ev)
				out := captureOutput(t, func() {
					b, err := a.Invoke(context.Background(), mustJSON(t, ev))
					if err != nil {
						t.Fatalf("Invoke error: %v", err)
					}
					var resp eventcases.Response
					_ = json.Unmarshal(b, &resp)
					if resp.StatusCode != http.StatusBadRequest || strings.Contains(resp.Body, "forged") {
						t.Errorf("response = %d %s; want 400 without the request's text", resp.StatusCode, resp.Body)
					}
				})
				if out != "" {
					t.Errorf("printed to stdout/stderr: %q", out)
				}
				assertJSONLines(t, logs.String(), "forged")
			})
		}
	}
}

// assertJSONLines fails unless every line of logs is one JSON object and
// none holds banned.
func assertJSONLines(t *testing.T, logs, banned string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(logs, "\n"), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Errorf("log line %q is not JSON: %v", line, err)
		}
		if strings.Contains(line, banned) {
			t.Errorf("log line %q quotes the request", line)
		}
	}
}

// TestHandlerThatWritesNothing: api-proxy prints "Status code not set on
// response" for a handler that writes nothing; net/http answers 200, and
// so does the adapter. An invalid status is a panic, as under net/http.
func TestHandlerThatWritesNothing(t *testing.T) {
	payload, _ := os.ReadFile("../../events/health-v2-live.json")
	for _, tt := range []struct {
		name string
		h    http.HandlerFunc
		want int
	}{
		{"nothing", func(http.ResponseWriter, *http.Request) {}, http.StatusOK},
		{"status 0", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(0) }, http.StatusInternalServerError},
		{"status -1", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(-1) }, http.StatusInternalServerError},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := New(tt.h)
			out := captureOutput(t, func() {
				b, err := a.Invoke(context.Background(), payload)
				var resp eventcases.Response
				_ = json.Unmarshal(b, &resp)
				if err != nil || resp.StatusCode != tt.want {
					t.Errorf("Invoke = %s, %v; want %d", b, err, tt.want)
				}
			})
			if out != "" {
				t.Errorf("printed %q", out)
			}
		})
	}
}

// redirectOutput sends os.Stdout, os.Stderr and the standard logger to a
// new file until restore is called.
func redirectOutput(t testing.TB) (file *os.File, restore func()) {
	t.Helper()
	file, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = file, file
	log.SetOutput(file)
	return file, func() {
		os.Stdout, os.Stderr = stdout, stderr
		log.SetOutput(os.Stderr)
	}
}
