package mysql

import (
	"context"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Type is the kind's "type" in HEALTH_CHECKS.
const Type = "mysql"

// Spec is a mysql check's HEALTH_CHECKS fields (those of rds.Spec).
type Spec struct {
	rds.Spec
}

// Type returns Type.
func (Spec) Type() string { return Type }

// Validate names every field that is wrong. The DSN is never quoted.
func (s Spec) Validate() error {
	p := s.Problems()
	if s.DSN != "" {
		if _, err := gomysql.ParseDSN(s.DSN); err != nil {
			p.Add("dsn", "not a valid MySQL DSN (user:password@tcp(host:3306)/database)")
		}
	}
	return p.Err()
}

// Check builds the check, with its login (IAM token or secret) from env.
func (s Spec) Check(ctx context.Context, c checks.Common, env *checks.Env) (health.Check, error) {
	return s.Build(ctx, c, env, rds.MySQL, New)
}
