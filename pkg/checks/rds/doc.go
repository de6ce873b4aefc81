// Package rds checks a relational database, PostgreSQL (through pgx) or
// MySQL and MariaDB (through go-sql-driver/mysql), such as an Amazon RDS or
// Aurora instance.
//
// A probe pings the database and runs SELECT 1 on a small connection pool
// that is built once and reused by every probe of a warm instance, so a
// healthy database costs one round trip or two per probe and no new
// connection (see the pool constants for the sizes and why).
//
// The login comes from a DSN; or from a host, port, user and database with
// either an RDS IAM authentication token, signed afresh for each new
// connection (WithIAMAuth), or a Secrets Manager secret in the shape RDS
// stores (SecretSource, read through WithCredentials).
//
// TLS modes follow libpq: "disable"; "require" (encrypted, certificate not
// verified); "verify-full" (certificate verified against the system roots
// for the host name; for RDS put the RDS CA bundle where Go's crypto/x509
// finds it, for example with SSL_CERT_FILE). An empty mode keeps what the
// DSN says, and is "require" for a host-based configuration, since RDS
// always offers TLS and IAM authentication demands it.
//
// Errors are mapped to safe classes: a failed login (PostgreSQL SQLSTATE
// 28P01 or 28000, MySQL error 1045, 1044 or 1698) is "access denied", an
// unknown database (3D000, 1049) "not found", a failed handshake
// "tls handshake failed". The internal error may keep the driver's text,
// which can name the user, host and database but never holds the password.
package rds
