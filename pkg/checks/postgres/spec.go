package postgres

import (
	"context"
	"net/url"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Type is the kind's "type" in HEALTH_CHECKS.
const Type = "postgres"

// Spec is a postgres check's HEALTH_CHECKS fields (those of rds.Spec).
type Spec struct {
	rds.Spec
}

// Type returns Type.
func (Spec) Type() string { return Type }

// Validate names every field that is wrong. A DSN must be one pgx reads and
// must say where to connect (a host in the URL or its host parameter, or
// host= or hostaddr= in key=value form): pgx would otherwise fall back to
// its default host, and the check would fail at run time instead of the
// function at start-up. The DSN is never quoted.
func (s Spec) Validate() error {
	p := s.Problems()
	if s.DSN != "" {
		if _, err := pgx.ParseConfig(s.DSN); err != nil {
			p.Add("dsn", "not a valid PostgreSQL connection string (postgres://user:password@host:5432/database or host=... key=value pairs)")
		} else if !saysWhere(s.DSN) {
			p.Add("dsn", "does not say where to connect: give a host (postgres://user:password@host:5432/database, or host=... in key=value form)")
		}
	}
	return p.Err()
}

// hostKey finds host= or hostaddr= with a value in a key=value DSN.
var hostKey = regexp.MustCompile(`(?:^|\s)(?:host|hostaddr)\s*=\s*(?:'[^']+'|[^\s']+)`)

// saysWhere reports whether a DSN names the server to connect to.
func saysWhere(dsn string) bool {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		return err == nil && (u.Hostname() != "" || u.Query().Get("host") != "" || u.Query().Get("hostaddr") != "")
	}
	return hostKey.MatchString(dsn)
}

// Check builds the check, with its login (IAM token or secret) from env.
func (s Spec) Check(ctx context.Context, c checks.Common, env *checks.Env) (health.Check, error) {
	return s.Build(ctx, c, env, rds.Postgres, New)
}
