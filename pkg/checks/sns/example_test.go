package sns_test

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sns"
)

// New takes the SDK client, built once outside the handler (in a function:
// from awsconfig.LoadDefaultConfig, with awscheck.WithCheckRetries).
func ExampleNew() {
	check, err := sns.New(checks.Common{Name: "alerts"}, sns.Spec{TopicARN: "arn:aws:sns:eu-west-1:123456789012:alerts"}, sdk.NewFromConfig(aws.Config{Region: "eu-west-1"}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(check.Name, check.ComponentType, check.Measurement)
	// Output: alerts component
}
