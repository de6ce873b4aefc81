//go:build !kinds || kind_secretsmanager

package registry

import (
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/secretsmanager"
)

func init() { register(secretsmanager.Type, func() checks.Spec { return new(secretsmanager.Spec) }) }
