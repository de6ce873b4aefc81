package rds

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// ClassTooManyConnections is the class of a server that turns connections
// away because it has too many.
const ClassTooManyConnections = "too many connections"

// ErrLoginRejected marks an error of a database that refused the login
// (wrong password or unknown user), as the engines' classifiers recognise
// it: a probe with a secret reads the secret again and retries.
var ErrLoginRejected = errors.New("login rejected")

// LoginRejected marks err as ErrLoginRejected.
func LoginRejected(err error) error { return fmt.Errorf("%w: %w", ErrLoginRejected, err) }

// Classify gives err the class its engine's table has for code, or
// "tls handshake failed" for a failed handshake (isTLS, the engine's own
// test, adds the engine's no-TLS errors); it returns errors that already
// have a class, and the others, as they are, for health.Classify (refused
// connections, deadlines).
func Classify(err error, class string, isTLS bool) error {
	var ce *health.ClassError
	switch {
	case errors.As(err, &ce):
		return err
	case class != "":
		return health.WithClass(class, err)
	case isTLS || IsTLSError(err):
		return health.WithClass(health.ClassTLS, err)
	}
	return err
}

// IsTLSError reports whether err is a failed TLS handshake.
func IsTLSError(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var rh tls.RecordHeaderError
	var alert tls.AlertError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &rh) || errors.As(err, &alert)
}
