// Package ssmtest gives integration tests an SSM parameter of their own in
// the local stack (LocalStack's SSM).
package ssmtest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// Parameter creates the String parameter name with value through cfg,
// deletes it when the test ends, and returns a function that sets it to
// another value.
func Parameter(t testing.TB, cfg aws.Config, name, value string) (set func(value string)) {
	t.Helper()
	ctx := context.Background()
	client := ssm.NewFromConfig(cfg)
	set = func(v string) {
		t.Helper()
		if _, err := client.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(v),
			Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true)}); err != nil {
			t.Fatalf("put parameter %s: %v", name, err)
		}
	}
	set(value)
	t.Cleanup(func() { _, _ = client.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(name)}) })
	return set
}
