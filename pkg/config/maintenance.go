package config

import (
	"errors"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
)

// loadMaintenance parses HEALTH_MAINTENANCE, one FieldError per problem,
// each naming the field: "HEALTH_MAINTENANCE[1].end: before start".
func loadMaintenance(getenv Getenv) ([]maintenance.Window, []error) {
	windows, err := maintenance.Parse(getenv(EnvMaintenance))
	if err == nil {
		return windows, nil
	}
	var errs []error
	for _, e := range checks.Unjoin(err) {
		var fe *maintenance.FieldError
		if errors.As(e, &fe) {
			errs = append(errs, &FieldError{Field: EnvMaintenance + fe.Path, Problem: fe.Problem})
		}
	}
	return nil, errs
}
