package metrics

import (
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Metric names.
const (
	MetricSuccess  = "Success"
	MetricDegraded = "Degraded"
	MetricDuration = "Duration"
	// MetricInMaintenance is 1 while a maintenance window is open or the
	// ad-hoc switch is on, 0 otherwise; service level only.
	MetricInMaintenance = "InMaintenance"
)

// Dimension names.
const (
	DimService     = "Service"
	DimEnvironment = "Environment"
	DimCheck       = "Check"
)

// Units, as CloudWatch spells them.
const (
	UnitNone         = "None"
	UnitMilliseconds = "Milliseconds"
)

// DefaultEnvironment is the Environment dimension when none is configured:
// CloudWatch rejects empty dimension values.
const DefaultEnvironment = "default"

// Datum is one datapoint.
type Datum struct {
	Name string
	// Check is the Check dimension; empty for the run as a whole.
	Check string
	Value float64
	Unit  string
}

// Batch is the datapoints of one canary run.
type Batch struct {
	Service     string
	Environment string
	Time        time.Time
	Data        []Datum
}

// FromReport turns a run's report into datapoints: Success, Degraded and
// Duration for the run (Duration is the run's wall time) and for each check.
func FromReport(service, environment string, at time.Time, elapsed time.Duration, rep health.Report) Batch {
	if environment == "" {
		environment = DefaultEnvironment
	}
	b := Batch{Service: service, Environment: environment, Time: at,
		Data: make([]Datum, 0, 3*(len(rep.Results)+1))}
	b.Data = appendStatus(b.Data, "", rep.Status, elapsed)
	for _, r := range rep.Results {
		b.Data = appendStatus(b.Data, r.Name, r.Status, r.Duration)
	}
	return b
}

// InMaintenance is the run's InMaintenance datapoint: 1 when on, else 0.
func InMaintenance(on bool) Datum {
	d := Datum{Name: MetricInMaintenance, Value: 0, Unit: UnitNone}
	if on {
		d.Value = 1
	}
	return d
}

func appendStatus(data []Datum, check string, s health.Status, d time.Duration) []Datum {
	success, degraded := 1.0, 0.0
	switch s {
	case health.StatusFail:
		success = 0
	case health.StatusWarn:
		degraded = 1
	}
	return append(data,
		Datum{Name: MetricSuccess, Check: check, Value: success, Unit: UnitNone},
		Datum{Name: MetricDegraded, Check: check, Value: degraded, Unit: UnitNone},
		Datum{Name: MetricDuration, Check: check, Value: float64(d.Microseconds()) / 1000, Unit: UnitMilliseconds},
	)
}
