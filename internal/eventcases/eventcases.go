// Package eventcases says what the health function must answer to each
// events/health-*.json file, in an explicit table (Table), and checks an
// answer against it. The adapter's tests (in process) and the emulator tier
// (the real bootstrap under the Lambda Runtime Interface Emulator) share it,
// so both hold the same files to the same expectations.
//
// The function under test has one check, named by Identity.Check ("db" in
// the events' single-check routes, /health/checks/db), healthy or failing,
// and the token "local-test-token" that events/health-v2-health-token.json
// presents.
package eventcases

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
)

// Token is the bearer token the events that unlock details present.
const Token = "local-test-token"

// Files returns the events/health-*.json files of the checkout at root,
// sorted.
func Files(root string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(root, "events", "health-*.json"))
	sort.Strings(files)
	return files, err
}

// Response is the union of the three response shapes: API Gateway REST
// (payload 1.0), HTTP API and Function URL (payload 2.0), and ALB.
type Response struct {
	StatusCode        int                 `json:"statusCode"`
	StatusDescription string              `json:"statusDescription"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              string              `json:"body"`
}

// Header returns the first value of the named header, from headers or
// else multiValueHeaders, matching the name case-insensitively.
func (r Response) Header(name string) string {
	for k, v := range r.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	for k, v := range r.MultiValueHeaders {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// Want is what one events file must produce.
type Want struct {
	Code        int    // statusCode; zero when the file has no row in Table
	ContentType string // Content-Type
	Details     bool   // the body shows the checks map
	EmptyBody   bool   // HEAD: no body
	MultiValue  bool   // ALB: a multi-value target group's request
}

// Case is a row of Table: what one events file must produce, with the
// function's only check healthy (Want.Code) and failing (FailingCode).
type Case struct {
	Want
	FailingCode int
}

// The kinds of rows in Table.
var (
	// ready: the readiness code, application/health+json without details
	// (ready, readyz, health, check, healthchecker, stage-ready).
	ready = Case{Want{Code: http.StatusOK, ContentType: healthhttp.ContentType}, http.StatusServiceUnavailable}
	// multiValueReady: ready, from an ALB target group in multi-value mode.
	multiValueReady = Case{Want{Code: http.StatusOK, ContentType: healthhttp.ContentType, MultiValue: true}, http.StatusServiceUnavailable}
	// live: 200, whatever the check says.
	live = Case{Want{Code: http.StatusOK, ContentType: healthhttp.ContentType}, http.StatusOK}
	// head: the readiness code, no body.
	head = Case{Want{Code: http.StatusOK, ContentType: healthhttp.ContentType, EmptyBody: true}, http.StatusServiceUnavailable}
	// details: a token or an IAM caller: the readiness code, with details.
	details = Case{Want{Code: http.StatusOK, ContentType: healthhttp.ContentType, Details: true}, http.StatusServiceUnavailable}
	// page: a browser's Accept on /health: the readiness code, the HTML
	// status page.
	page = Case{Want{Code: http.StatusOK, ContentType: healthhttp.PageContentType}, http.StatusServiceUnavailable}
	// notFound: an unknown route or check: 404 application/problem+json.
	notFound = Case{Want{Code: http.StatusNotFound, ContentType: "application/problem+json"}, http.StatusNotFound}
	// notAllowed: POST: 405 application/problem+json, with Allow: GET, HEAD.
	notAllowed = Case{Want{Code: http.StatusMethodNotAllowed, ContentType: "application/problem+json"}, http.StatusMethodNotAllowed}
)

// Table says what each events/health-*.json file must produce, by file
// name. Every file in events/ has a row (TestTableCoversEvents).
var Table = map[string]Case{
	"health-alb-check-unknown.json":    notFound,
	"health-alb-check.json":            ready,
	"health-alb-head.json":             head,
	"health-alb-health.json":           ready,
	"health-alb-healthchecker.json":    ready,
	"health-alb-live.json":             live,
	"health-alb-livez.json":            live,
	"health-alb-multivalue-ready.json": multiValueReady,
	"health-alb-page.json":             page,
	"health-alb-post.json":             notAllowed,
	"health-alb-ready.json":            ready,
	"health-alb-readyz.json":           ready,
	"health-alb-unknown.json":          notFound,
	"health-furl-check-unknown.json":   notFound,
	"health-furl-check.json":           ready,
	"health-furl-head.json":            head,
	"health-furl-health-iam.json":      details,
	"health-furl-health.json":          ready,
	"health-furl-live.json":            live,
	"health-furl-livez.json":           live,
	"health-furl-post.json":            notAllowed,
	"health-furl-ready.json":           ready,
	"health-furl-readyz.json":          ready,
	"health-furl-unknown.json":         notFound,
	"health-v1-check-unknown.json":     notFound,
	"health-v1-check.json":             ready,
	"health-v1-head.json":              head,
	"health-v1-health.json":            ready,
	"health-v1-live.json":              live,
	"health-v1-livez.json":             live,
	"health-v1-post.json":              notAllowed,
	"health-v1-ready.json":             ready,
	"health-v1-readyz.json":            ready,
	"health-v1-unknown.json":           notFound,
	"health-v2-check-unknown.json":     notFound,
	"health-v2-check.json":             ready,
	"health-v2-head.json":              head,
	"health-v2-health-token.json":      details,
	"health-v2-health.json":            ready,
	"health-v2-live.json":              live,
	"health-v2-livez.json":             live,
	"health-v2-page.json":              page,
	"health-v2-post.json":              notAllowed,
	"health-v2-ready.json":             ready,
	"health-v2-readyz.json":            ready,
	"health-v2-stage-ready.json":       ready,
	"health-v2-unknown.json":           notFound,
}

// Expect returns what the events file called name (such as
// "health-alb-ready.json" or a path to it) must produce when the
// function's only check is healthy or not, from Table: the zero Want, which
// Verify reports, when the file has no row.
func Expect(name string, healthy bool) Want {
	c, ok := Table[filepath.Base(name)]
	if !ok {
		return Want{}
	}
	w := c.Want
	if !healthy {
		w.Code = c.FailingCode
	}
	return w
}

// Identity is what the function under test is configured with, as its
// answers must show it.
type Identity struct {
	ServiceID string // serviceId
	ReleaseID string // releaseId
	Version   string // version
	// Check is the key of the only check's entry in the checks map, such
	// as "db:responseTime", and ComponentType its componentType.
	Check         string
	ComponentType string
}

// Verify checks out, the function's answer to the events file called
// name, against w and id: statusCode, statusDescription and header mode
// (ALB), Content-Type, Cache-Control, Allow (405), and the body's status,
// identity and details. It reports each difference with t.Errorf.
func Verify(t testing.TB, name string, out []byte, w Want, id Identity) {
	t.Helper()
	name = filepath.Base(name)
	if w == (Want{}) {
		t.Errorf("%s: no row in eventcases.Table; add one saying what it must produce", name)
		return
	}
	var resp Response
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Errorf("%s: response is not JSON: %v: %s", name, err, out)
		return
	}
	if resp.StatusCode != w.Code {
		t.Errorf("%s: statusCode = %d; want %d (body %s)", name, resp.StatusCode, w.Code, resp.Body)
	}
	if got := resp.Header("Content-Type"); got != w.ContentType {
		t.Errorf("%s: Content-Type = %q; want %q", name, got, w.ContentType)
	}
	if got := resp.Header("Cache-Control"); got != "no-store" {
		t.Errorf("%s: Cache-Control = %q; want no-store", name, got)
	}
	if w.Code == http.StatusMethodNotAllowed && resp.Header("Allow") != "GET, HEAD" {
		t.Errorf("%s: Allow = %q; want \"GET, HEAD\"", name, resp.Header("Allow"))
	}
	if strings.HasPrefix(name, "health-alb-") {
		verifyALB(t, name, resp, w.MultiValue)
	}
	if w.EmptyBody {
		if resp.Body != "" {
			t.Errorf("%s: HEAD body = %q; want empty", name, resp.Body)
		}
		return
	}
	if w.ContentType == healthhttp.PageContentType {
		if !strings.HasPrefix(resp.Body, "<!DOCTYPE html>") || resp.Header("Content-Security-Policy") == "" {
			t.Errorf("%s: body %.40q, CSP %q; want the HTML status page", name, resp.Body, resp.Header("Content-Security-Policy"))
		}
		return
	}
	if w.ContentType != healthhttp.ContentType {
		return
	}
	var body healthhttp.Response
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Errorf("%s: body is not JSON: %v: %s", name, err, resp.Body)
		return
	}
	wantStatus := health.StatusPass
	if resp.StatusCode == http.StatusServiceUnavailable {
		wantStatus = health.StatusFail
	}
	if body.Status != wantStatus || body.ServiceID != id.ServiceID || body.ReleaseID != id.ReleaseID || body.Version != id.Version {
		t.Errorf("%s: body = %+v; want status %q, serviceId %q, releaseId %q, version %q",
			name, body, wantStatus, id.ServiceID, id.ReleaseID, id.Version)
	}
	if got := len(body.Checks) > 0; got != w.Details {
		t.Errorf("%s: details shown = %v; want %v (body %s)", name, got, w.Details, resp.Body)
	}
	if w.Details {
		d := body.Checks[id.Check]
		if len(d) != 1 || d[0].ComponentType != id.ComponentType || d[0].Status != wantStatus {
			t.Errorf("%s: checks[%s] = %+v; want one %s entry with status %q", name, id.Check, d, id.ComponentType, wantStatus)
		}
	}
}

// verifyALB checks the ALB-only parts: "200 OK" status descriptions, and
// headers in the target group's mode (multiValueHeaders only when the
// request came with them, headers only otherwise).
func verifyALB(t testing.TB, name string, resp Response, multi bool) {
	t.Helper()
	if want := strings.TrimSpace(strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)); resp.StatusDescription != want {
		t.Errorf("%s: statusDescription = %q; want %q", name, resp.StatusDescription, want)
	}
	if multi && (len(resp.MultiValueHeaders) == 0 || resp.Headers != nil) {
		t.Errorf("%s: multi-value target group: headers=%v multiValueHeaders=%v; want only multiValueHeaders", name, resp.Headers, resp.MultiValueHeaders)
	}
	if !multi && (len(resp.Headers) == 0 || resp.MultiValueHeaders != nil) {
		t.Errorf("%s: single-value target group: headers=%v multiValueHeaders=%v; want only headers", name, resp.Headers, resp.MultiValueHeaders)
	}
}
