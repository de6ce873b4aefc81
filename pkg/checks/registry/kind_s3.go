//go:build !kinds || kind_s3

package registry

import (
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/s3"
)

func init() { register(s3.Type, func() checks.Spec { return new(s3.Spec) }) }
