package mysql_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/mysql"
	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// New opens no connection: the first probe does, through a pool of at most
// two, and later probes reuse it.
func ExampleNew() {
	common := checks.Common{Name: "orders-db", Timeout: checks.Duration(500 * time.Millisecond)}
	dsn := os.Getenv("ORDERS_DB_DSN") // user:password@tcp(host:3306)/orders
	check, err := mysql.New(common, rds.Config{DSN: dsn})
	if err != nil {
		fmt.Println(err) // a DSN that does not parse
		return
	}
	checker, err := health.NewChecker([]health.Check{check})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(checker.All(context.Background()).Status)
}
