//go:build !kinds || kind_http

package registry

import (
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/httpcheck"
)

func init() { register(httpcheck.Type, func() checks.Spec { return new(httpcheck.Spec) }) }
