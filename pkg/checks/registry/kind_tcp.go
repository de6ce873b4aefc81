//go:build !kinds || kind_tcp

package registry

import (
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/tcp"
)

func init() { register(tcp.Type, func() checks.Spec { return new(tcp.Spec) }) }
