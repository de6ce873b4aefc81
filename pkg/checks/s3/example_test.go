package s3_test

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/s3"
)

// New takes the SDK client, built once outside the handler (in a function:
// from awsconfig.LoadDefaultConfig, with awscheck.WithCheckRetries).
func ExampleNew() {
	check, err := s3.New(checks.Common{Name: "archive"}, s3.Spec{Bucket: "orders-archive"}, sdk.NewFromConfig(aws.Config{Region: "eu-west-1"}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(check.Name, check.ComponentType, check.Measurement)
	// Output: archive datastore
}
