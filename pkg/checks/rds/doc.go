// Package rds is what the database kinds, packages postgres and mysql,
// share: their HEALTH_CHECKS fields (Spec), the pool and its Pinger, TLS
// modes, and logins by RDS IAM token or Secrets Manager secret. It links no
// database driver: each kind links its own.
//
// A probe pings the database and runs SELECT 1 on a small connection pool
// that is built once and reused by every probe of a warm instance, so a
// healthy database costs one round trip or two per probe and no new
// connection (see the pool constants for the sizes and why).
//
// The login comes from a DSN; or from a host, port, user and database with
// either an RDS IAM authentication token, signed afresh for each new
// connection (WithIAMAuth), or a Secrets Manager secret in the shape RDS
// stores (SecretSource, read through WithSecret). A login the database
// refuses reads the secret again at once, at most once a second, and the
// probe retries with its new AWSCURRENT version, or with the AWSPENDING
// version a rotation Lambda has staged; when none logs in while a rotation
// is in progress, the probe warns "credentials rotating" instead of failing.
//
// TLS modes follow libpq: "disable"; "require" (encrypted, certificate not
// verified); "verify-full" (certificate verified against the system roots
// for the host name; for RDS put the RDS CA bundle where Go's crypto/x509
// finds it, for example with SSL_CERT_FILE). An empty mode keeps what the
// DSN says, and is "require" for a host-based configuration, since RDS
// always offers TLS and IAM authentication demands it.
//
// Each kind maps its driver's errors to safe classes (see their package
// docs); a failed handshake is "tls handshake failed" for both. The internal
// error may keep the driver's text, which can name the user, host and
// database but never holds the password.
package rds
