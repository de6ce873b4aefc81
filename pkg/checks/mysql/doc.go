// Package mysql checks a MySQL or MariaDB database (such as Amazon RDS or
// Aurora MySQL) through go-sql-driver/mysql: the kind "mysql" of
// HEALTH_CHECKS.
//
// Its fields, pool, TLS modes and logins (a DSN; or a host with an RDS IAM
// token, sent with mysql_clear_password over TLS, or a Secrets Manager
// secret) are those of package rds, which it shares with package postgres;
// it links the MySQL driver only, not pgx.
//
// Errors: 1045, 1044 and 1698 are "access denied", 1049 (no such database)
// "not found", 1040 and 1203 "too many connections", a failed handshake or
// a server without TLS "tls handshake failed".
//
// With a secretArn, a login refused with 1045 or 1698 reads the secret again
// at once and the probe retries, with AWSPENDING too during a rotation
// (see package rds).
package mysql
