// Package config reads and validates the HEALTH_* environment variables.
//
// Every problem is reported with the name of the field it is in, and all of
// them at once, so that a bad configuration stops a function at start-up
// instead of turning into a healthy-looking service. Error messages never
// quote the value of a secret field (DSNs, tokens).
//
// It links no check kind and no AWS SDK client: each check of
// HEALTH_CHECKS is kept as its common fields and its kind's members as
// JSON (Check), which pkg/checkbuild decodes where the checks are built
// (checkbuild.Load reports the kinds' problems with these). So the gate,
// which has no checks, shares its field errors and parsers.
package config
