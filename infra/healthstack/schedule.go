package healthstack

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Alarm evaluation of the canary's Success metrics: DatapointsToAlarm of
// the last EvaluationPeriods periods, each period one canary interval, so
// "3 of 5" always means three of the last five runs, whatever the schedule.
const (
	AlarmEvaluationPeriods = 5
	AlarmDatapoints        = 3
	// MinErrorsAlarmPeriod is the shortest period of the canary-errors alarm.
	MinErrorsAlarmPeriod = 5 * time.Minute
	// maxAlarmWindow is CloudWatch's limit on Period x EvaluationPeriods.
	maxAlarmWindow = 24 * time.Hour
)

// ratePattern is an EventBridge rate expression in minutes or hours:
// "rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(2 hours)".
var ratePattern = regexp.MustCompile(`^rate\(([1-9][0-9]*) (minute|minutes|hour|hours)\)$`)

// CanaryInterval returns the time between two runs of a canary on schedule.
// Only rate expressions in minutes or hours are supported: a cron
// expression has no fixed interval to size the alarms' period on, and an
// interval whose five periods exceed CloudWatch's one-day evaluation window
// cannot keep the "3 of 5" alarms. The error says which, and what to use.
func CanaryInterval(schedule string) (time.Duration, error) {
	m := ratePattern.FindStringSubmatch(schedule)
	if m == nil {
		return 0, fmt.Errorf("%q is not supported: the alarms' period follows the canary's interval, so the schedule must be "+
			"rate(N minutes) or rate(N hours) (rate(1 minute), rate(1 hour) for one), not a cron expression", schedule)
	}
	n, _ := strconv.Atoi(m[1])
	unit := time.Minute
	if m[2] == "hour" || m[2] == "hours" {
		unit = time.Hour
	}
	if (n == 1) != (m[2] == "minute" || m[2] == "hour") {
		return 0, fmt.Errorf("%q is not a valid EventBridge rate: use the singular unit for 1 and the plural otherwise", schedule)
	}
	if n > int(maxAlarmWindow/AlarmEvaluationPeriods/unit) {
		return 0, fmt.Errorf("%q is not supported: the alarms evaluate %d runs, and CloudWatch evaluates at most %s: "+
			"use an interval of at most %s", schedule, AlarmEvaluationPeriods, maxAlarmWindow, maxAlarmWindow/AlarmEvaluationPeriods)
	}
	return time.Duration(n) * unit, nil
}

// SuccessAlarmPeriod is the period of the alarms on the canary's Success
// metrics: one canary interval, so that every period holds one run and the
// missing data between runs never counts as breaching.
func SuccessAlarmPeriod(schedule string) (time.Duration, error) {
	return CanaryInterval(schedule)
}

// ErrorsAlarmPeriod is the period of the canary-errors alarm: the canary's
// interval, and at least MinErrorsAlarmPeriod.
func ErrorsAlarmPeriod(schedule string) (time.Duration, error) {
	d, err := CanaryInterval(schedule)
	return max(d, MinErrorsAlarmPeriod), err
}
