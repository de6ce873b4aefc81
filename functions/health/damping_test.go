package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
)

// A TCP check on a closed port with failAfter 3 and passAfter 2, cache
// off, through the function's own handler: readiness stays up for two
// failed runs, fails on the third, and after the port opens fails once
// more ("recovering") before it passes.
func TestFlapDampingEndToEnd(t *testing.T) {
	// Closed until the test listens on it.
	port := testenv.ClosedPort(t)

	_, addr, _ := start(t, "HEALTH_CACHE_TTL=0s", "HEALTH_DETAILS=always",
		fmt.Sprintf(`HEALTH_CHECKS=[{"name":"dep","type":"tcp","address":%q,"failAfter":3,"passAfter":2}]`, port))
	ready := func(step string, want int, output string) {
		t.Helper()
		resp, err := http.Get("http://" + addr + "/health/ready")
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || !strings.Contains(string(body), output) {
			t.Errorf("%s: readiness %d %s; want %d with %q", step, resp.StatusCode, body, want, output)
		}
	}
	ready("closed, run 1", 200, `"output":"failing (1 of 3): connection refused"`)
	ready("closed, run 2", 200, `"output":"failing (2 of 3): connection refused"`)
	ready("closed, run 3", 503, `"output":"connection refused"`)

	open, err := net.Listen("tcp", port)
	if err != nil {
		t.Fatalf("reopen %s: %v", port, err)
	}
	defer open.Close()
	go func() {
		for {
			c, err := open.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	ready("open, run 1", 503, `"output":"recovering (1 of 2)"`)
	ready("open, run 2", 200, `"status":"pass"`)
}
