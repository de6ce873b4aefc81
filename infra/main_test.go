package main

import (
	"reflect"
	"testing"
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
