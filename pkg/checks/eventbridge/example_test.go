package eventbridge_test

import (
	"context"
	"fmt"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	sdk "github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/eventbridge"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// The check takes the SDK client it calls, built once outside the handler;
// its retries and timeouts are the client's (see checks.Retryer).
func ExampleNew() {
	cfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	check := eventbridge.New(checks.Common{Name: "orders-bus"}, eventbridge.Spec{EventBus: "orders"}, sdk.NewFromConfig(cfg))
	checker, err := health.NewChecker([]health.Check{check}, health.WithBudget(2*time.Second))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(checker.All(context.Background()).Status)
}
