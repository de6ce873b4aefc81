// Package maintenance knows when a service is in planned or ad-hoc
// maintenance: the windows of HEALTH_MAINTENANCE (fixed, from a start to an
// end, or recurring, a 5-field cron expression in UTC and a duration) and an
// ad-hoc switch (the drain parameter's value "maintenance"). It imports no
// AWS: the switch is a function that main wires to SSM.
//
// Maintenance changes what the service says, never what it answers:
// readiness still tells the truth, and the health document carries an IETF
// note such as "maintenance until 2026-12-07T02:00:00Z: database upgrade".
package maintenance
