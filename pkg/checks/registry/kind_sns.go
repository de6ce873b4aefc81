//go:build !kinds || kind_sns

package registry

import (
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sns"
)

func init() { register(sns.Type, func() checks.Spec { return new(sns.Spec) }) }
