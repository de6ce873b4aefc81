package testenv

import (
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
)

// MaintenanceNow is a HEALTH_MAINTENANCE value whose fixed window covers the
// real clock by hours on either side (no test waits on it), beside a
// recurring one that does not, and the IETF note the fixed one gives. The
// health function's and the canary's maintenance tests run through it.
func MaintenanceNow() (windows, note string) {
	now := time.Now().UTC().Truncate(time.Second)
	end := now.Add(2 * time.Hour)
	windows = `[{"cron":"0 0 1 1 *","duration":"1h","reason":"new year"},` +
		`{"start":"` + now.Add(-time.Hour).Format(time.RFC3339) + `","end":"` + end.Format(time.RFC3339) +
		`","reason":"database upgrade"}]`
	return windows, maintenance.Note("database upgrade", end)
}
