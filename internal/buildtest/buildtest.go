// Package buildtest runs a check spec through the production wiring
// (checkbuild.Build) and the engine, for the tests of the AWS check kinds.
package buildtest

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/pkg/checkbuild"
	"github.com/lambdahealth/lambdahealth/pkg/config"
)

// Run builds spec (as a critical check) with checkbuild.Build and runs it once.
func Run(t *testing.T, spec config.CheckSpec, budget time.Duration, opts ...checkbuild.Option) checktest.Outcome {
	t.Helper()
	spec.Critical = true
	checks, err := checkbuild.Build(context.Background(), []config.CheckSpec{spec}, opts...)
	if err != nil {
		t.Fatalf("Build() error = %v", err)
	}
	return checktest.Run(t, checks[0], budget)
}

// StaticAWS is an AWS configuration for an endpoint that is not LocalStack,
// such as a closed port, a hung listener or a server answering AWS errors.
func StaticAWS(endpoint string) checkbuild.Option {
	return checkbuild.WithAWSConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "Secret-Key-Example-123", ""),
		BaseEndpoint: aws.String(endpoint),
	})
}
