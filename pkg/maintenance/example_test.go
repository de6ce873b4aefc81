package maintenance_test

import (
	"context"
	"fmt"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
)

func ExampleMonitor_Notes() {
	windows, err := maintenance.Parse(`[
		{"start": "2026-12-07T00:00:00Z", "end": "2026-12-07T02:00:00Z", "reason": "database upgrade"},
		{"cron": "0 3 * * 0", "duration": "2h", "reason": "weekly patching"}]`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, at := range []string{"2026-12-07T01:00:00Z", "2026-12-13T04:00:00Z", "2026-12-13T05:00:00Z"} {
		now, _ := time.Parse(time.RFC3339, at)
		m := maintenance.NewMonitor(windows, maintenance.WithClock(func() time.Time { return now }))
		fmt.Println(at, m.Notes(context.Background()))
	}
	_, err = maintenance.Parse(`[{"start": "2026-12-07T02:00:00Z", "end": "2026-12-07T01:00:00Z", "reason": "db"}]`)
	fmt.Println(err)
	// Output:
	// 2026-12-07T01:00:00Z [maintenance until 2026-12-07T02:00:00Z: database upgrade]
	// 2026-12-13T04:00:00Z [maintenance until 2026-12-13T05:00:00Z: weekly patching]
	// 2026-12-13T05:00:00Z []
	// [0].end: before start
}
