package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/lambdahealth/lambdahealth/infra/healthstack"
	"github.com/lambdahealth/lambdahealth/pkg/checkbuild"
)

func TestParametersFromContext(t *testing.T) {
	ctx := map[string]any{
		"ServiceName":      "orders",    // -c ServiceName=orders
		"LogRetentionDays": float64(14), // cdk.json number
		"RestApi":          true,        // cdk.json boolean
		"SubnetIds":        []any{"subnet-a", "subnet-b"},
		"ChecksJson":       []any{map[string]any{"name": "c", "type": "tcp", "address": "h:1"}},
		"@aws-cdk/core:x":  true, // feature flags are not parameters
	}
	got, err := parametersFromContext(func(k string) any { return ctx[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"ServiceName":      "orders",
		"LogRetentionDays": "14",
		"RestApi":          "true",
		"SubnetIds":        "subnet-a,subnet-b",
		"ChecksJson":       `[{"address":"h:1","name":"c","type":"tcp"}]`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parametersFromContext() = %v; want %v", got, want)
	}
}

// TestFormerSettingsReachTheCheck: a former setting given as context
// (-c CriticalCheck1=db) is read, so that synth fails naming it instead of
// ignoring it.
func TestFormerSettingsReachTheCheck(t *testing.T) {
	for _, name := range []string{"CriticalCheck1", "CriticalCheck5", "CriticalChecks"} {
		params, err := parametersFromContext(func(k string) any {
			if k == name {
				return "db"
			}
			return nil
		})
		if err != nil || params[name] != "db" {
			t.Fatalf("parametersFromContext(%s) = %v, %v; want it read", name, params, err)
		}
		if _, err := healthstack.PropsFromParameters(params); err == nil || !strings.Contains(err.Error(), "parameter "+name+": no longer a setting") {
			t.Errorf("PropsFromParameters(%s) = %v; want it named as a former setting", name, err)
		}
	}
}

func TestParametersFromContextRejectsObjects(t *testing.T) {
	_, err := parametersFromContext(func(k string) any {
		if k == "BucketName" {
			return map[string]any{"name": "b"}
		}
		return nil
	})
	if err == nil {
		t.Error("parametersFromContext(BucketName: object) = nil error; want one naming BucketName")
	}
}

// TestBadCheckFailsSynth: a ChecksJson with a bad field fails the CDK app
// (and so cdk synth) with the message the functions print at start-up.
func TestBadCheckFailsSynth(t *testing.T) {
	const checks = `[{"name":"jobs","type":"sqs","queueUrl":"not a url","maxDepht":10}]`
	_, startup := checkbuild.Load(func(k string) string {
		if k == "HEALTH_CHECKS" {
			return checks
		}
		return ""
	})
	if startup == nil {
		t.Fatal("checkbuild.Load() = nil error; want the start-up error")
	}
	app := awscdk.NewApp(&awscdk.AppProps{
		Context: &map[string]any{"ChecksJson": checks},
		Outdir:  jsii.String(t.TempDir()),
	})
	err := run(app)
	if err == nil {
		t.Fatal("run() = nil error; want ChecksJson rejected")
	}
	for _, line := range strings.Split(startup.Error(), "\n") {
		if !strings.Contains(err.Error(), "parameter ChecksJson: "+line) {
			t.Errorf("run() error = %q; want it to say %q, as the functions do at start-up", err, line)
		}
	}
}
