//go:build !kinds || kind_postgres

package registry

import (
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/postgres"
)

func init() { register(postgres.Type, func() checks.Spec { return new(postgres.Spec) }) }
