package healthhttp

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/uptime"
)

// Accept headers as real clients send them.
const (
	acceptChrome  = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
	acceptFirefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	acceptSafari  = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	acceptCurl    = "*/*"
)

func TestWantsHTML(t *testing.T) {
	tests := []struct {
		accept []string
		want   bool
	}{
		{nil, false}, // ALB health checks, most SDKs
		{[]string{acceptCurl}, false},
		{[]string{"application/json"}, false},
		{[]string{"application/health+json"}, false},
		{[]string{"application/json, text/html"}, false},        // a tie keeps JSON
		{[]string{"text/html;q=0.5, */*"}, false},               // anything, HTML only if it must
		{[]string{"text/html, application/json;q=0.9"}, true},   // says it prefers HTML
		{[]string{"text/html"}, true},                           // JSON not acceptable at all
		{[]string{"text/*"}, true},                              // text/* reaches text/html
		{[]string{"text/html;q=0, */*"}, false},                 // HTML refused
		{[]string{"text/plain"}, false},                         // neither: the default
		{[]string{"garbage;;;, text/html;q=bogus, */*"}, false}, // malformed ranges are ignored
		{[]string{"text/html", "*/*;q=0.1"}, true},              // several header lines
		{[]string{acceptChrome}, true},
		{[]string{acceptFirefox}, true},
		{[]string{acceptSafari}, true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.accept, " | "), func(t *testing.T) {
			req := httptest.NewRequest("GET", "/health", nil)
			for _, v := range tt.accept {
				req.Header.Add("Accept", v)
			}
			if got := wantsHTML(req); got != tt.want {
				t.Errorf("wantsHTML(Accept: %q) = %v; want %v", tt.accept, got, tt.want)
			}
		})
	}
}

// TestJSONUnchangedForMachines pins the JSON answer, headers and body byte
// for byte, for every client that is not a browser, and with a history
// configured (WithHistory), which such a client gets only under ?history=1
// and which is then not even read.
func TestJSONUnchangedForMachines(t *testing.T) {
	wantBody := map[string]string{
		"/health": `{"status":"fail","version":"2","releaseId":"2.4.1","serviceId":"orders","description":"health of orders (prod)",` +
			`"output":"db: connection refused","checks":{"db:responseTime":[{"componentId":"db","componentType":"datastore",` +
			`"status":"fail","time":"2026-11-22T10:00:00Z","output":"connection refused"}]}}` + "\n",
		"/health/ready": `{"status":"fail","version":"2","releaseId":"2.4.1","serviceId":"orders","description":"health of orders (prod)",` +
			`"output":"db: connection refused","checks":{"db:responseTime":[{"componentId":"db","componentType":"datastore",` +
			`"status":"fail","time":"2026-11-22T10:00:00Z","output":"connection refused"}]}}` + "\n",
		"/health/checks/db": `{"status":"fail","version":"2","releaseId":"2.4.1","serviceId":"orders","description":"health of orders (prod)",` +
			`"output":"connection refused","checks":{"db:responseTime":[{"componentId":"db","componentType":"datastore",` +
			`"status":"fail","time":"2026-11-22T10:00:00Z","output":"connection refused"}]}}` + "\n",
	}
	clients := []struct {
		name    string
		headers []string
	}{
		{"no Accept (ALB health check)", []string{"User-Agent", "ELB-HealthChecker/2.0"}},
		{"curl", []string{"User-Agent", "curl/8.5.0", "Accept", acceptCurl}},
		{"application/json", []string{"Accept", "application/json"}},
		{"application/health+json", []string{"Accept", "application/health+json"}},
		{"Route 53 health checker", []string{"User-Agent", "Amazon-Route53-Health-Check-Service (ref 0; report http://amzn.to/1vsZADi)"}},
		{"aws-sdk-go-v2", []string{"User-Agent", "aws-sdk-go-v2/1.41.0", "Accept", "application/json, */*"}},
	}
	hist := &fakeHistory{read: func(context.Context) (uptime.History, error) { return sampleHistory(), nil }}
	h := mustHandler(t, newFake(health.StatusFail), WithDetails(DetailsAlways),
		WithService(Service{ID: "orders", Environment: "prod", Version: "2.4.1"}), WithHistory(hist))
	defer func() {
		if n := hist.calls.Load(); n != 0 {
			t.Errorf("the history was read %d times for JSON clients; want 0", n)
		}
	}()
	for path, want := range wantBody {
		for _, c := range clients {
			t.Run(path+" "+c.name, func(t *testing.T) {
				rec := do(h, "GET", path, c.headers...)
				if rec.Code != 503 || rec.Body.String() != want {
					t.Errorf("GET %s = %d %q; want 503 %q", path, rec.Code, rec.Body, want)
				}
				wantHeader := http.Header{"Content-Type": {ContentType}, "Cache-Control": {"no-store"}}
				if len(rec.Header()) != len(wantHeader) || rec.Header().Get("Content-Type") != ContentType ||
					rec.Header().Get("Cache-Control") != "no-store" {
					t.Errorf("headers = %v; want exactly %v", rec.Header(), wantHeader)
				}
			})
		}
	}
}

// twoChecks reports one passing and one failing check, the failing one
// last, with an output that must be escaped.
func twoChecks() *fakeEngine {
	rep := health.Report{Status: health.StatusFail, Output: `orders-db: connection refused <script>alert(1)</script>`, Results: []health.Result{
		{Name: "assets", Key: "assets:responseTime", ComponentType: "component", Status: health.StatusPass,
			ObservedValue: 3.2, ObservedUnit: "ms", Time: when},
		{Name: "jobs", Key: "jobs:messages", ComponentType: "component", Optional: true, Status: health.StatusWarn,
			ObservedValue: int64(1200), ObservedUnit: "messages", Output: "queue depth 1200 above 1000", Time: when},
		{Name: "orders-db", Key: "orders-db:responseTime", ComponentType: "datastore", Status: health.StatusFail,
			Output: `connection refused <script>alert(1)</script>`, Time: when},
	}}
	return &fakeEngine{
		ready: func(context.Context) health.Report { return rep },
		all:   func(context.Context) health.Report { return rep },
		one: func(_ context.Context, name string) (health.Result, error) {
			for _, r := range rep.Results {
				if r.Name == name {
					return r, nil
				}
			}
			return health.Result{}, health.ErrUnknownCheck
		},
	}
}

func TestPageForBrowsers(t *testing.T) {
	h := mustHandler(t, twoChecks(), WithDetails(DetailsAlways),
		WithService(Service{ID: "orders", Environment: "prod", Version: "2.4.1"}))
	for _, path := range []string{"/health", "/health/ready", "/readyz"} {
		t.Run(path, func(t *testing.T) {
			rec := do(h, "GET", path, "Accept", acceptChrome)
			body := rec.Body.String()
			if rec.Code != 503 {
				t.Errorf("code = %d; want 503, as the JSON", rec.Code)
			}
			for k, want := range map[string]string{
				"Content-Type":  PageContentType,
				"Cache-Control": "no-store",
				"Refresh":       "10",
				"Vary":          "Accept",
			} {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("%s = %q; want %q", k, got, want)
				}
			}
			for _, want := range []string{"orders", "prod", "2.4.1", `data-check="assets"`, `data-check="jobs"`,
				`data-check="orders-db"`, "queue depth 1200 above 1000", "3.2 ms", "1200 messages", "2026-11-22T10:00:00Z",
				"connection refused &lt;script&gt;alert(1)&lt;/script&gt;"} {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q:\n%s", want, body)
				}
			}
			// Worst first: the failing check, then the warning, then the passing one.
			fail, warn, pass := strings.Index(body, `data-check="orders-db"`), strings.Index(body, `data-check="jobs"`), strings.Index(body, `data-check="assets"`)
			if !(fail < warn && warn < pass) {
				t.Errorf("rows at %d (fail), %d (warn), %d (pass); want failing checks first", fail, warn, pass)
			}
			assertSelfContained(t, rec)
		})
	}
}

// assertSelfContained checks that the page loads nothing and runs nothing,
// and that its CSP allows exactly its inline style sheet.
func assertSelfContained(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	body := rec.Body.String()
	lower := strings.ToLower(body)
	for _, bad := range []string{"<script", "src=", "href=", "@import", "url(", "http://", "https://", " on"} {
		if bad == " on" {
			if regexp.MustCompile(`<[^>]+\son[a-z]+=`).MatchString(lower) {
				t.Errorf("page has an event handler attribute")
			}
			continue
		}
		if strings.Contains(lower, bad) {
			t.Errorf("page contains %q: it must load nothing and run no script", bad)
		}
	}
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-") || strings.Contains(csp, "script-src") {
		t.Errorf("Content-Security-Policy %q allows more than the style sheet", csp)
	}
	m := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("page has no <style>")
	}
	sum := sha256.Sum256([]byte(m[1]))
	if want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, want) {
		t.Errorf("Content-Security-Policy %q does not allow the page's style sheet (%s)", csp, want)
	}
}

func TestPageDetailsPolicy(t *testing.T) {
	const token = "s3cr3t-token"
	tests := []struct {
		name    string
		details Details
		auth    string
		want    bool
	}{
		{"authorized, no token", DetailsAuthorized, "", false},
		{"authorized, right token", DetailsAuthorized, "Bearer " + token, true},
		{"authorized, wrong token", DetailsAuthorized, "Bearer nope", false},
		{"never", DetailsNever, "Bearer " + token, false},
		{"always", DetailsAlways, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := mustHandler(t, twoChecks(), WithDetails(tt.details), WithToken(token), WithService(Service{ID: "orders"}))
			headers := []string{"Accept", acceptFirefox}
			if tt.auth != "" {
				headers = append(headers, "Authorization", tt.auth)
			}
			rec := do(h, "GET", "/health", headers...)
			body := rec.Body.String()
			if rec.Code != 503 || !strings.Contains(body, `data-status="fail"`) {
				t.Errorf("code %d, page %q; want 503 and the overall status either way", rec.Code, body)
			}
			for _, secret := range []string{"orders-db", "connection refused", "queue depth", "assets", "jobs"} {
				if got := strings.Contains(body, secret); got != tt.want {
					t.Errorf("page shows %q = %v; want %v", secret, got, tt.want)
				}
			}
			if strings.Contains(body, token) {
				t.Errorf("page leaks the token")
			}
		})
	}
}

func TestPageOneCheck(t *testing.T) {
	h := mustHandler(t, twoChecks(), WithDetails(DetailsAlways))
	rec := do(h, "GET", "/health/checks/jobs", "Accept", acceptChrome)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `data-check="jobs"`) || strings.Contains(body, `data-check="assets"`) {
		t.Errorf("GET /health/checks/jobs = %d %s; want 200 with that check only", rec.Code, body)
	}
	if rec := do(h, "GET", "/health/checks/nope", "Accept", acceptChrome); rec.Code != 404 || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("unknown check = %d %s; want the 404 problem", rec.Code, rec.Header().Get("Content-Type"))
	}
}

func TestPageLivenessStaysJSON(t *testing.T) {
	rec := do(mustHandler(t, twoChecks()), "GET", "/health/live", "Accept", acceptChrome)
	if rec.Header().Get("Content-Type") != ContentType {
		t.Errorf("liveness Content-Type = %q; want %q (liveness reads nothing of the request)", rec.Header().Get("Content-Type"), ContentType)
	}
}

func TestPageHEAD(t *testing.T) {
	rec := do(mustHandler(t, twoChecks()), "HEAD", "/health", "Accept", acceptChrome)
	if rec.Code != 503 || rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != PageContentType {
		t.Errorf("HEAD = %d, %d bytes, %q; want 503, no body, %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Type"), PageContentType)
	}
}

func TestPageRefreshOption(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Second, "30"},
		{1500 * time.Millisecond, "2"},
		{0, ""},
		{-time.Second, ""},
	}
	for _, tt := range tests {
		rec := do(mustHandler(t, twoChecks(), WithPageRefresh(tt.d)), "GET", "/health", "Accept", acceptChrome)
		if got := rec.Header().Get("Refresh"); got != tt.want {
			t.Errorf("WithPageRefresh(%v): Refresh = %q; want %q", tt.d, got, tt.want)
		}
		if tt.want == "" && strings.Contains(rec.Body.String(), "Reloads every") {
			t.Errorf("WithPageRefresh(%v): the page says it reloads", tt.d)
		}
	}
}

// BenchmarkStatusPageCached measures /health as a browser's page, five
// cached checks, details on (BenchmarkComprehensiveCached is the JSON).
func BenchmarkStatusPageCached(b *testing.B) { benchHandler(b, "/health", "Accept", acceptChrome) }

// TestEscapeIsHTMLEscapeString: the page's escaper, written so as not to
// link package html (issue 19: binary size), escapes as html.EscapeString.
func TestEscapeIsHTMLEscapeString(t *testing.T) {
	for _, s := range []string{"", "plain", `<script>alert("x")</script>`, "a & b's", "é<>&'\"\x00"} {
		if got, want := esc(s), html.EscapeString(s); got != want {
			t.Errorf("esc(%q) = %q; want %q", s, got, want)
		}
	}
}
