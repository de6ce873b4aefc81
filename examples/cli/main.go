// Command cli is the engine alone, with no HTTP and no AWS: it checks that
// each TCP address on its command line accepts a connection, within one
// budget, and exits 0 when every one does, 1 otherwise, so that it can be a
// Docker HEALTHCHECK or a Kubernetes exec probe.
//
//	go run ./examples/cli 127.0.0.1:5432 127.0.0.1:6379
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout)) }

// run checks addrs and prints one line per check; it returns the exit code.
func run(addrs []string, out io.Writer) int {
	var checks []health.Check
	for _, addr := range addrs {
		checks = append(checks, health.Check{Name: checkName(addr), Probe: health.Ping(func(ctx context.Context) error {
			conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
			if err == nil {
				err = conn.Close()
			}
			return err
		})})
	}
	checker, err := health.NewChecker(checks, health.WithBudget(2*time.Second))
	if err != nil {
		fmt.Fprintln(out, err)
		return 2
	}
	rep := checker.All(context.Background())
	for _, r := range rep.Results {
		fmt.Fprintf(out, "%-24s %-4s %s\n", r.Name, r.Status, r.Output)
	}
	if rep.Status == health.StatusFail {
		return 1
	}
	return 0
}

// checkName is addr as a check name (health.NameRule): 127.0.0.1:5432
// becomes 127.0.0.1_5432.
func checkName(addr string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, addr)
}
