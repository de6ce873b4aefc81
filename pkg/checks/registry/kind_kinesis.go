//go:build !kinds || kind_kinesis

package registry

import (
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/kinesis"
)

func init() { register(kinesis.Type, func() checks.Spec { return new(kinesis.Spec) }) }
