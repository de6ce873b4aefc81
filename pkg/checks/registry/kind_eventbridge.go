//go:build !kinds || kind_eventbridge

package registry

import (
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/eventbridge"
)

func init() { register(eventbridge.Type, func() checks.Spec { return new(eventbridge.Spec) }) }
