package secretsmanager_test

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/secretsmanager"
)

// New takes the SDK client, built once outside the handler (in a function:
// from awsconfig.LoadDefaultConfig, with awscheck.WithCheckRetries).
func ExampleNew() {
	check, err := secretsmanager.New(checks.Common{Name: "db-secret"}, secretsmanager.Spec{SecretID: "prod/orders/db"}, sdk.NewFromConfig(aws.Config{Region: "eu-west-1"}), time.Now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(check.Name, check.ComponentType, check.Measurement)
	// Output: db-secret component
}
