// Package checks is what every dependency kind under pkg/checks/<kind>
// shares: the common fields of a HEALTH_CHECKS object (Common), the
// interface a kind's typed spec satisfies (Spec), field errors that name the
// JSON field, Go duration strings read into time.Duration, IAM permissions as
// data (Permission), and what the checks of a process share (Env). It links
// no AWS SDK: the AWS configuration and clients that the AWS kinds keep in
// an Env are package awscheck's, which only those kinds import.
//
// Each kind owns its whole vertical in its own package: its Spec (JSON
// fields, validation, IAM needs, construction into a complete health.Check)
// and its error classifier. Package registry maps a type name to its kind;
// nothing else in the tree knows the kinds' fields.
package checks
