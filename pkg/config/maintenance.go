package config

import (
	"errors"

	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
)

// EnvMaintenance is the planned maintenance windows' variable: a JSON array
// that maintenance.Parse reads.
const EnvMaintenance = "HEALTH_MAINTENANCE"

// loadMaintenance parses HEALTH_MAINTENANCE, one FieldError per problem,
// each naming the field: "HEALTH_MAINTENANCE[1].end: before start".
func loadMaintenance(getenv Getenv) ([]maintenance.Window, []error) {
	windows, err := maintenance.Parse(getenv(EnvMaintenance))
	if err == nil {
		return windows, nil
	}
	var errs []error
	for _, e := range unjoin(err) {
		var fe *maintenance.FieldError
		if errors.As(e, &fe) {
			errs = append(errs, &FieldError{Field: EnvMaintenance + fe.Path, Problem: fe.Problem})
		}
	}
	return nil, errs
}
