package mysql

import (
	"errors"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// classes maps MySQL and MariaDB error numbers to safe classes.
var classes = map[uint16]string{
	1044: health.ClassDenied,          // ER_DBACCESS_DENIED_ERROR
	1045: health.ClassDenied,          // ER_ACCESS_DENIED_ERROR
	1698: health.ClassDenied,          // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
	1049: health.ClassNotFound,        // ER_BAD_DB_ERROR: no such database
	1040: rds.ClassTooManyConnections, // ER_CON_COUNT_ERROR
	1203: rds.ClassTooManyConnections, // ER_TOO_MANY_USER_CONNECTIONS
}

// rejected are the error numbers of a refused login, after which a secret
// is read again (rds.ErrLoginRejected); 1044, a user without access to the
// database, is not one.
var rejected = map[uint16]bool{1045: true, 1698: true}

// Classify gives the go-sql-driver/mysql errors it recognises a safe class
// and returns the others as they are, for health.Classify.
func Classify(err error) error {
	var class string
	var myErr *gomysql.MySQLError
	if errors.As(err, &myErr) {
		class = classes[myErr.Number]
		if rejected[myErr.Number] {
			err = rds.LoginRejected(err)
		}
	}
	return rds.Classify(err, class, errors.Is(err, gomysql.ErrNoTLS))
}
