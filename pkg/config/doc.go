// Package config reads and validates the HEALTH_* environment variables.
//
// Every problem is reported with the name of the field it is in, and all of
// them at once, so that a bad configuration stops a function at start-up
// instead of turning into a healthy-looking service. Error messages never
// quote the value of a secret field (DSNs, tokens).
package config
