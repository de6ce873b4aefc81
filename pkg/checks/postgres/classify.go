package postgres

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// classes maps PostgreSQL SQLSTATEs to safe classes.
var classes = map[string]string{
	"28P01": health.ClassDenied,          // invalid_password
	"28000": health.ClassDenied,          // invalid_authorization_specification
	"3D000": health.ClassNotFound,        // invalid_catalog_name: no such database
	"53300": rds.ClassTooManyConnections, // too_many_connections
}

// rejected are the SQLSTATEs of a refused login, after which a secret is
// read again (rds.ErrLoginRejected).
var rejected = map[string]bool{"28P01": true, "28000": true}

// Classify gives the pgx errors it recognises a safe class and returns the
// others as they are, for health.Classify.
func Classify(err error) error {
	var class string
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		class = classes[pgErr.Code]
		if rejected[pgErr.Code] {
			err = rds.LoginRejected(err)
		}
	}
	// pgconn's error for a server that answers "N" to SSLRequest is not
	// exported.
	noTLS := strings.Contains(err.Error(), "server refused TLS connection")
	return rds.Classify(err, class, noTLS)
}
