//go:build !kinds || kind_sqs

package registry

import (
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
)

func init() { register(sqs.Type, func() checks.Spec { return new(sqs.Spec) }) }
