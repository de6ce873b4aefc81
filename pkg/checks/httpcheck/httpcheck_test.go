package httpcheck

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// budget is generous: a TLS handshake under -race on a loaded 2-core machine
// can take well over 300ms, and the refused or untrusted cases must still be
// told apart from a timeout.
const budget = 1500 * time.Millisecond

func TestProbe(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
		case "/redirect":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		case "/down":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/slow":
			// Far past the budget, so that a stalled scheduler cannot let
			// the answer and the client's timeout race.
			select {
			case <-time.After(10 * budget):
			case <-r.Context().Done():
			}
		case "/half":
			time.Sleep(budget / 2)
		}
	}))
	t.Cleanup(srv.Close) // after the parallel subtests
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(tlsSrv.Close)

	tests := []struct {
		name       string
		url        string
		expect     string
		wantStatus health.Status
		wantOutput string
	}{
		{"healthy", srv.URL + "/ok", "", health.StatusPass, ""},
		{"redirect counts as 3xx", srv.URL + "/redirect", "", health.StatusPass, ""},
		{"unexpected status", srv.URL + "/down", "", health.StatusFail, "unexpected status 503"},
		{"status not accepted", srv.URL + "/ok", "204", health.StatusFail, "unexpected status 200"},
		{"slow at half the budget", srv.URL + "/half", "", health.StatusPass, ""},
		{"slow past the budget", srv.URL + "/slow", "", health.StatusFail, "timeout after 1.5s"},
		{"refused", "http://" + testenv.ClosedPort(t) + "/", "", health.StatusFail, health.ClassRefused},
		{"hung", "http://" + testenv.HungListener(t) + "/", "", health.StatusFail, "timeout after 1.5s"},
		{"untrusted certificate", tlsSrv.URL + "/?token=hunter2", "", health.StatusFail, health.ClassTLS},
		{"blackholed", "http://" + testenv.Blackhole(t) + "/", "", health.StatusFail, "timeout after 1.5s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each waits on its own timer; the servers answer them all
			check, err := New(checks.Common{Name: "web"}, Spec{URL: tt.url, ExpectStatus: tt.expect}, nil)
			if err != nil {
				t.Fatal(err)
			}
			o := checktest.Run(t, check, budget)
			checktest.Expect(t, o, tt.wantStatus, tt.wantOutput, budget)
			if r := o.Result; strings.Contains(r.Output, "hunter2") || strings.Contains(r.Output, "127.0.0.1") {
				t.Errorf("output %q leaks the URL", r.Output)
			}
		})
	}
}

func TestParseStatusSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		in200   bool
		in404   bool
		wantErr bool
	}{
		{"200", true, false, false},
		{"200-399", true, false, false},
		{"200, 404", true, true, false},
		{"400-499", false, true, false},
		{"2xx", false, false, true},
		{"399-200", false, false, true},
		{"", false, false, true},
		{"99", false, false, true},
	}
	for _, tt := range tests {
		set, err := parseStatusSet(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseStatusSet(%q) error = %v; want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && (set.Contains(200) != tt.in200 || set.Contains(404) != tt.in404) {
			t.Errorf("parseStatusSet(%q) contains 200=%v 404=%v; want %v %v", tt.in, set.Contains(200), set.Contains(404), tt.in200, tt.in404)
		}
	}
}

// TestNewValidates: New runs Validate, so a spec that could only fail at
// run time is an error naming its field, said once (issue 19: the
// expectStatus error repeated itself, and an ftp:// URL built a check).
func TestNewValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spec Spec
		want string
	}{
		{Spec{URL: ""}, "url: required: an absolute http or https URL"},
		{Spec{URL: "ftp://files.example.com/"}, "url: required: an absolute http or https URL"},
		{Spec{URL: "://bad"}, "url: required: an absolute http or https URL"},
		{Spec{URL: "https://example.com/", ExpectStatus: "2xx"}, `expectStatus: "2xx" is not a status code, range (200-399) or list of them`},
	}
	for _, tt := range tests {
		_, err := New(checks.Common{Name: "web"}, tt.spec, nil)
		if err == nil || err.Error() != tt.want || !errors.Is(err, checks.ErrInvalid) {
			t.Errorf("New(%+v) error = %v; want %q", tt.spec, err, tt.want)
		}
	}
}
