package eventbridge_test

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/eventbridge"
)

// New takes the SDK client, built once outside the handler (in a function:
// from awsconfig.LoadDefaultConfig, with awscheck.WithCheckRetries).
func ExampleNew() {
	check, err := eventbridge.New(checks.Common{Name: "orders-bus"}, eventbridge.Spec{EventBus: "orders"}, sdk.NewFromConfig(aws.Config{Region: "eu-west-1"}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(check.Name, check.ComponentType, check.Measurement)
	// Output: orders-bus component
}
