// Package postgres checks a PostgreSQL database (such as Amazon RDS or
// Aurora PostgreSQL) through pgx: the kind "postgres" of HEALTH_CHECKS.
//
// Its fields, pool, TLS modes and logins (a DSN; or a host with an RDS IAM
// token or a Secrets Manager secret) are those of package rds, which it
// shares with package mysql; it links pgx only, not the MySQL driver. A DSN
// must say where to connect (a host), or Validate rejects it at start-up.
//
// Errors: SQLSTATE 28P01 and 28000 are "access denied", 3D000 (no such
// database) "not found", 53300 "too many connections", a failed or refused
// TLS handshake "tls handshake failed".
//
// With a secretArn, a login refused with 28P01 or 28000 reads the secret again
// at once and the probe retries, with AWSPENDING too during a rotation
// (see package rds).
package postgres
