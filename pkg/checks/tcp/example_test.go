package tcp_test

import (
	"context"
	"fmt"
	"net"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/tcp"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func ExampleNew() {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // stands in for the database's port
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ln.Close()

	check, err := tcp.New(checks.Common{Name: "orders-db"}, tcp.Spec{Address: ln.Addr().String()}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	checker, err := health.NewChecker([]health.Check{check})
	if err != nil {
		fmt.Println(err)
		return
	}
	report := checker.All(context.Background())
	fmt.Println(check.Name, check.ComponentType, report.Status)
	// Output: orders-db component pass
}
