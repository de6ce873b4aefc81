package rds

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// ClassTooManyConnections is the class of a server that turns connections
// away because it has too many.
const ClassTooManyConnections = "too many connections"

// pgClasses maps PostgreSQL SQLSTATEs to safe classes.
var pgClasses = map[string]string{
	"28P01": health.ClassDenied,      // invalid_password
	"28000": health.ClassDenied,      // invalid_authorization_specification
	"3D000": health.ClassNotFound,    // invalid_catalog_name: no such database
	"53300": ClassTooManyConnections, // too_many_connections
}

// mysqlClasses maps MySQL and MariaDB error numbers to safe classes.
var mysqlClasses = map[uint16]string{
	1044: health.ClassDenied,      // ER_DBACCESS_DENIED_ERROR
	1045: health.ClassDenied,      // ER_ACCESS_DENIED_ERROR
	1698: health.ClassDenied,      // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
	1049: health.ClassNotFound,    // ER_BAD_DB_ERROR: no such database
	1040: ClassTooManyConnections, // ER_CON_COUNT_ERROR
	1203: ClassTooManyConnections, // ER_TOO_MANY_USER_CONNECTIONS
}

// classify gives the driver errors it recognises a safe class and returns
// the others as they are, for health.Classify (refused connections,
// deadlines).
func classify(err error) error {
	var ce *health.ClassError
	if errors.As(err, &ce) {
		return err
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		if class, ok := pgClasses[pgErr.Code]; ok {
			return health.WithClass(class, err)
		}
	}
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) {
		if class, ok := mysqlClasses[myErr.Number]; ok {
			return health.WithClass(class, err)
		}
	}
	if isTLSError(err) {
		return health.WithClass(health.ClassTLS, err)
	}
	return err
}

// isTLSError reports whether err is a failed TLS handshake or a server that
// will not speak TLS.
func isTLSError(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var rh tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.As(err, &cv), errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &rh), errors.As(err, &alert):
		return true
	case errors.Is(err, mysql.ErrNoTLS):
		return true
	}
	// pgconn's error for a server that answers "N" to SSLRequest is not
	// exported.
	return strings.Contains(err.Error(), "server refused TLS connection")
}
