//go:build !kinds || kind_dynamodb

package registry

import (
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/dynamodb"
)

func init() { register(dynamodb.Type, func() checks.Spec { return new(dynamodb.Spec) }) }
