package main

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/gate"
)

// settings is the gate's configuration, from GATE_* variables.
type settings struct {
	Hook           string
	Shape          string
	Path           string
	Alarms         []string
	Attempts       int
	AttemptTimeout time.Duration
	Backoff        time.Duration
}

// fieldError is one problem with one GATE_* variable. (pkg/config's
// FieldError would link every check kind into the gate.)
type fieldError struct {
	Field   string
	Problem string
}

// Error returns "FIELD: problem".
func (e *fieldError) Error() string { return e.Field + ": " + e.Problem }

// load reads and validates the GATE_* variables; every problem is named.
func load(getenv func(string) string) (settings, error) {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &fieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	s := settings{
		Hook:  getenv("GATE_HOOK"),
		Shape: or(getenv("GATE_EVENT"), gate.ShapeV2),
		Path:  or(getenv("GATE_PATH"), gate.DefaultPath),
	}
	if s.Hook != gate.BeforeAllowTraffic && s.Hook != gate.AfterAllowTraffic {
		bad("GATE_HOOK", "required: %s or %s", gate.BeforeAllowTraffic, gate.AfterAllowTraffic)
	}
	if !slices.Contains(gate.Shapes, s.Shape) {
		bad("GATE_EVENT", "%q is not one of %s", s.Shape, strings.Join(gate.Shapes, ", "))
	}
	if problem := gate.PathProblem(s.Path); problem != "" {
		bad("GATE_PATH", "%s", problem)
	}
	for _, a := range strings.Split(getenv("GATE_ALARMS"), ",") {
		if a = strings.TrimSpace(a); a != "" {
			s.Alarms = append(s.Alarms, a)
		}
	}
	s.Attempts = gate.DefaultAttempts
	if v := getenv("GATE_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			bad("GATE_ATTEMPTS", "%q is not a whole number of at least 1", v)
		}
		s.Attempts = n
	}
	s.AttemptTimeout = duration(getenv, "GATE_ATTEMPT_TIMEOUT", gate.DefaultAttemptTimeout, bad)
	s.Backoff = duration(getenv, "GATE_BACKOFF", gate.DefaultBackoff, bad)
	return s, errors.Join(errs...)
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func duration(getenv func(string) string, key string, def time.Duration, bad func(string, string, ...any)) time.Duration {
	v := getenv(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		bad(key, "%q is not a positive Go duration such as 500ms or 5s", v)
		return def
	}
	return d
}
