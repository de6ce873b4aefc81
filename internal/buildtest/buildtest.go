// Package buildtest runs a check spec through the production wiring
// (checkbuild.Build) and the engine, for the tests of the AWS check kinds.
package buildtest

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/pkg/checkbuild"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Spec is the check named name with the kind's spec s, critical.
func Spec(name string, s checks.Spec) checkbuild.CheckSpec {
	return checkbuild.CheckSpec{Common: checks.Common{Name: name}, Spec: s}
}

// Run builds spec (as a critical check) with checkbuild.Build and runs it
// once. Its AWS clients come from awsCfg, or without it from the SDK's
// default configuration, as main loads it.
func Run(t *testing.T, spec checkbuild.CheckSpec, budget time.Duration, awsCfg ...*aws.Config) checktest.Outcome {
	t.Helper()
	spec.Optional = false
	var cfg *aws.Config
	if len(awsCfg) > 0 {
		cfg = awsCfg[0]
	} else {
		loaded, err := awsconfig.LoadDefaultConfig(context.Background())
		if err != nil {
			t.Fatalf("load the AWS configuration: %v", err)
		}
		cfg = &loaded
	}
	built, err := checkbuild.Build(context.Background(), []checkbuild.CheckSpec{spec}, cfg)
	if err != nil {
		t.Fatalf("Build() error = %v", err)
	}
	return checktest.Run(t, built[0], budget)
}

// StaticAWS is an AWS configuration for an endpoint that is not LocalStack,
// such as a closed port, a hung listener or a server answering AWS errors.
func StaticAWS(endpoint string) *aws.Config {
	return &aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "Secret-Key-Example-123", ""),
		BaseEndpoint: aws.String(endpoint),
	}
}

// Case is one expected outcome of a spec.
type Case struct {
	Name   string
	Spec   checks.Spec
	Status health.Status
	Output string
}

// RunCases runs each case's spec through Run (the SDK's default AWS
// configuration) and expects its status and output inside budget.
func RunCases(t *testing.T, budget time.Duration, cases ...Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			o := Run(t, Spec("dep", c.Spec), budget)
			checktest.Expect(t, o, c.Status, c.Output, budget)
		})
	}
}
