package redis_test

import (
	"context"
	"fmt"
	"os"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/redis"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// The check PINGs through a client of at most two connections, built once.
// Credentials may be nil for a server without AUTH; redis.IAMToken signs
// ElastiCache IAM tokens.
func ExampleNew() {
	password := os.Getenv("CACHE_AUTH_TOKEN")
	check, err := redis.New(checks.Common{Name: "sessions-cache"},
		redis.Spec{Endpoint: "master.sessions.abc123.euw1.cache.amazonaws.com:6379", User: "app"},
		func(context.Context) (string, string, error) { return "app", password, nil })
	if err != nil {
		fmt.Println(err)
		return
	}
	checker, err := health.NewChecker([]health.Check{check})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(checker.All(context.Background()).Status)
}
