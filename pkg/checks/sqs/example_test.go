package sqs_test

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
)

// New takes the SDK client, built once outside the handler (in a function:
// from awsconfig.LoadDefaultConfig, with awscheck.WithCheckRetries).
func ExampleNew() {
	check, err := sqs.New(checks.Common{Name: "jobs"}, sqs.Spec{QueueURL: "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs", DLQURL: "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs-dlq"}, sdk.NewFromConfig(aws.Config{Region: "eu-west-1"}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(check.Name, check.ComponentType, check.Measurement)
	// Output: jobs component messages
}
