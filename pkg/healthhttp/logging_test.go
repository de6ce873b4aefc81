package healthhttp

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// TestPassingProbesAreSummarized: at probe rates a passing request is
// counted, not logged; every failing one is logged on its own line.
func TestPassingProbesAreSummarized(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	h := mustHandler(t, newFake(health.StatusPass), WithLogger(logger), WithPassLogInterval(time.Hour), WithDetails(DetailsAlways))
	for range 100 {
		do(h, "GET", RouteLive)
		do(h, "GET", RouteReady)
	}
	do(h, "GET", "/nope")
	failing := mustHandler(t, newFake(health.StatusFail), WithLogger(logger), WithPassLogInterval(time.Hour), WithDetails(DetailsAlways))
	do(failing, "GET", RouteReady)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"code":404`) || !strings.Contains(lines[1], `"code":503`) {
		t.Errorf("log lines = %q; want the 404 and the 503 only", lines)
	}

	buf.Reset()
	synctest.Test(t, func(t *testing.T) { // the bubble's clock: the interval passes exactly
		h := mustHandler(t, newFake(health.StatusPass), WithLogger(logger), WithPassLogInterval(time.Second))
		do(h, "GET", RouteLive)
		time.Sleep(time.Second)
		do(h, "GET", RouteLive)
	})
	if got := buf.String(); !strings.Contains(got, `"msg":"requests passed"`) || !strings.Contains(got, `"live":2`) {
		t.Errorf("log = %s; want a summary counting 2 live requests", got)
	}

	buf.Reset()
	h = mustHandler(t, newFake(health.StatusPass), WithLogger(logger), WithPassLogInterval(0))
	do(h, "GET", RouteLive)
	if got := buf.String(); !strings.Contains(got, `"msg":"request"`) {
		t.Errorf("log = %s; want every request logged with interval 0", got)
	}
}
