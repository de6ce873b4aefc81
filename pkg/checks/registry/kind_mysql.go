//go:build !kinds || kind_mysql

package registry

import (
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/mysql"
)

func init() { register(mysql.Type, func() checks.Spec { return new(mysql.Spec) }) }
